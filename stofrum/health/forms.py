from django import forms
from django.utils.translation import gettext_lazy as _

from stofrum.health.choices import DisclosureConsent
from stofrum.text import LONG_TEXT_MAX, SHORT_TEXT_MAX


class UnechoedTextInput(forms.TextInput):
    """A text input that never writes a typed value back into the page: a journal refused
    for another field comes back with the CPR number field empty (typed again), so a CPR
    number is never echoed into HTML."""

    def format_value(self, value):
        return None


PATIENT_ID_CHOICES = [("cpr", _("CPR number")), ("fictitious", _("Fictitious number"))]


class JournalForm(forms.Form):
    treated_by = forms.CharField(label=_("Treated by"), max_length=SHORT_TEXT_MAX)
    assessment = forms.CharField(label=_("Assessment"), widget=forms.Textarea(attrs={"rows": 4}),
                                 max_length=LONG_TEXT_MAX)
    treatment = forms.CharField(label=_("Treatment given"),
                                widget=forms.Textarea(attrs={"rows": 5}), max_length=LONG_TEXT_MAX)
    information_given = forms.CharField(
        label=_("Information given to the person"), required=False, max_length=LONG_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}))
    disclosure_consent = forms.ChoiceField(
        label=_("Consent to disclose to the Region"), choices=DisclosureConsent.choices,
        widget=forms.RadioSelect)
    patient_id = forms.ChoiceField(label=_("Patient identifier"), choices=PATIENT_ID_CHOICES,
                                   widget=forms.RadioSelect, initial="cpr")
    cpr = forms.CharField(label=_("CPR number (DDMMYY-SSSS)"), required=False, max_length=11,
                          widget=UnechoedTextInput(attrs={"autocomplete": "off",
                                                          "inputmode": "numeric"}))
    birth_date = forms.DateField(
        label=_("Birth date, if known (for a fictitious number)"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, addendum: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if addendum:  # an addendum belongs to the original record's patient
            for name in ("patient_id", "cpr", "birth_date"):
                del self.fields[name]


class RevealForm(forms.Form):
    reason = forms.CharField(label=_("Reason for showing the full number"),
                             max_length=SHORT_TEXT_MAX)


class DisclosureForm(forms.Form):
    to_whom = forms.CharField(label=_("Disclosed to"), max_length=SHORT_TEXT_MAX,
                              initial="Region Hovedstaden")
