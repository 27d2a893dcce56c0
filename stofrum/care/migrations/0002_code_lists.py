"""The services of DOMAIN.md §7 and the referral targets of its bridge-building, as code
lists staff can extend in the admin."""

from django.db import migrations

from stofrum.codelists import seed_code_list

SERVICE_KINDS = [
    ("observation", "Observation af almentilstand og beruselse",
     "Observation of general condition and intoxication"),
    ("first_aid", "Førstehjælp (uden alarm)", "First aid (without an alarm)"),
    ("wound_care", "Sårskylning og sårpleje", "Wound rinsing and wound care"),
    ("eye_rinse", "Øjenskylning", "Eye rinsing"),
    ("advice_drugs", "Rådgivning om stoffer", "Advice on drugs"),
    ("advice_withdrawal", "Rådgivning om abstinensbehandling",
     "Advice on withdrawal treatment"),
    ("advice_risk", "Rådgivning om risikoadfærd", "Advice on risk behaviour"),
    ("injection_guidance", "Vejledning i injektionsteknik", "Guidance on injection technique"),
    ("doctor_assessment", "Vurdering af behov for læge", "Assessment of need for a doctor"),
    ("conversation", "Motiverende og støttende samtale",
     "Motivational and supportive conversation"),
    ("bridge_guidance", "Rådgivning og vejledning mod andre tilbud (brobygning)",
     "Advice and guidance towards other services (bridge-building)"),
    ("other", "Andet", "Other"),
]

REFERRAL_TARGETS = [
    ("health_clinic", "Sundhedsklinik", "Health clinic"),
    ("hospital", "Hospital", "Hospital"),
    ("emergency_room", "Skadestue / akutmodtagelse", "Emergency room"),
    ("gp", "Egen læge", "GP (own doctor)"),
    ("psychiatry", "Psykiatri", "Psychiatry"),
    ("drug_treatment", "Stofbehandling", "Drug treatment"),
    ("psychosocial_support", "Psykosocial støtte", "Psychosocial support"),
    ("emergency_housing", "Akut boligtilbud / herberg", "Emergency housing"),
    ("housing_allocation", "Boliganvisning", "Housing allocation"),
    ("home_care", "Hjemmepleje", "Home care"),
    ("employment", "Beskæftigelsessystemet / jobcenter", "Employment system / job centre"),
    ("other", "Andet", "Other"),
]


def forwards(apps, schema_editor):
    seed_code_list(apps.get_model("care", "ServiceKind"), SERVICE_KINDS)
    seed_code_list(apps.get_model("care", "ReferralTarget"), REFERRAL_TARGETS)


class Migration(migrations.Migration):
    dependencies = [("care", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
