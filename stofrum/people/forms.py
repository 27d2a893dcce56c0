from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from stofrum.people import municipalities
from stofrum.people.choices import Gender
from stofrum.text import ALIAS_MAX, SIGNATURE_MAX


class RegisterForm(forms.Form):
    alias = forms.CharField(
        label=_("Name or nickname"), max_length=ALIAS_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )
    birth_year = forms.IntegerField(
        label=_("Birth year"), min_value=1900,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices, widget=forms.RadioSelect)
    municipality = forms.ChoiceField(label=_("Home municipality"), initial="101")
    confirm_new = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["birth_year"].max_value = timezone.localdate().year
        self.fields["municipality"].choices = municipalities.choices(get_language() or "da")


class AgreementForm(forms.Form):
    signature = forms.CharField(
        widget=forms.HiddenInput, required=True, max_length=SIGNATURE_MAX,
        error_messages={"required": _("The person signs in the field with a finger or stylus.")},
    )
    house_rules_shown = forms.BooleanField(
        label=_("The house rules have been shown and explained"), required=True,
        error_messages={"required": _("Show the house rules before the agreement is signed.")},
    )
    signed = forms.BooleanField(
        label=_("The person agrees that staff may give first aid in acute situations"),
        required=True,
        error_messages={"required": _("The agreement must be accepted.")},
    )
