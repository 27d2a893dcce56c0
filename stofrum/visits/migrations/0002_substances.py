"""The substance code list of API.md (extendable in the admin)."""

from django.db import migrations

SUBSTANCES = [
    ("heroin", "Heroin", "Heroin"),
    ("cocaine", "Kokain", "Cocaine"),
    ("crack", "Crack", "Crack"),
    ("amphetamine", "Amfetamin", "Amphetamine"),
    ("methamphetamine", "Metamfetamin", "Methamphetamine"),
    ("methadone", "Metadon", "Methadone"),
    ("morphine", "Morfin", "Morphine"),
    ("fentanyl", "Fentanyl", "Fentanyl"),
    ("ketobemidone", "Ketobemidon", "Ketobemidone"),
    ("buprenorphine", "Buprenorfin", "Buprenorphine"),
    ("benzodiazepines", "Benzodiazepiner", "Benzodiazepines"),
    ("mdma", "MDMA", "MDMA"),
    ("ketamine", "Ketamin", "Ketamine"),
    ("cannabis", "Hash/pot", "Cannabis"),
    ("mixed", "Blandet", "Mixed"),
    ("other", "Andet", "Other"),
]


def forwards(apps, schema_editor):
    Substance = apps.get_model("visits", "Substance")
    for order, (code, da, en) in enumerate(SUBSTANCES, start=1):
        Substance.objects.get_or_create(
            code=code, defaults={"name_da": da, "name_en": en, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("visits", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
