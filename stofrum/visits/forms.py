from django import forms
from django.utils.translation import gettext_lazy as _

from stofrum.visits.models import Substance


class CheckInForm(forms.Form):
    person = forms.CharField(widget=forms.HiddenInput, max_length=40)
    substances = forms.MultipleChoiceField(
        label=_("Substance"), widget=forms.CheckboxSelectMultiple, required=True,
        error_messages={"required": _("Choose at least one substance.")},
    )
    method = forms.ChoiceField(label=_("Intake method"), widget=forms.RadioSelect)
    assisted_by = forms.CharField(
        label=_("Assistant's person code (assisted intake)"), required=False, max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    assistant_assessment = forms.CharField(
        label=_("Your assessment: can the assistant help safely?"), required=False,
        max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["substances"].choices = [
            (s.code, s.name) for s in Substance.objects.filter(is_active=True)
        ]
        methods = list(site.intake_methods.all())
        self.fields["method"].choices = [(m.code, m.name) for m in methods]
        if methods:  # the last visit's method, when there is one, is set by the view
            self.fields["method"].initial = methods[0].code


class AssistanceForm(forms.Form):
    assisted_by = forms.CharField(label=_("Assistant's person code"), max_length=12)
    assistant_assessment = forms.CharField(
        label=_("Your assessment: can the assistant help safely?"), max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CorrectVisitForm(forms.Form):
    """Correct a visit at the door: substances, intake method, and (in a booth) the booth."""

    substances = forms.MultipleChoiceField(
        label=_("Substance"), widget=forms.CheckboxSelectMultiple, required=True,
        error_messages={"required": _("Choose at least one substance.")},
    )
    method = forms.ChoiceField(label=_("Intake method"), widget=forms.RadioSelect)
    booth = forms.ChoiceField(label=_("Move to booth"), required=False)

    def __init__(self, *args, site, free_booths=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["substances"].choices = [
            (s.code, s.name) for s in Substance.objects.filter(is_active=True)
        ]
        self.fields["method"].choices = [(m.code, m.name) for m in site.intake_methods.all()]
        self.fields["booth"].choices = [("", _("Keep the booth (or the first free one)"))] + [
            (b.label, f"{b.label} · {b.method.name}") for b in free_booths
        ]
