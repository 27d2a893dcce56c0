from django.core.management.base import BaseCommand
from django.db import transaction

from stofrum.audit.services import record
from stofrum.health import vault
from stofrum.health.models import PatientIdentifier


class Command(BaseCommand):
    help = (
        "Add a new current CPR encryption key and re-encrypt every stored CPR number with it. "
        "Old keys stay in the key ring, so a run that is interrupted can simply be repeated."
    )

    def handle(self, *args, **options):
        new_key = vault.rotate_key()
        done = 0
        pending = PatientIdentifier.objects.exclude(key_id=new_key).values_list("pk", flat=True)
        for pk in pending.iterator():
            with transaction.atomic():
                patient = PatientIdentifier.objects.select_for_update().get(pk=pk)
                patient.ciphertext = vault.reencrypt(bytes(patient.ciphertext))
                patient.key_id = vault.current_key_id()
                patient.save(update_fields=["ciphertext", "key_id"])
                done += 1
        record(None, "health.cpr_key.rotated", None, object_type="health.patientidentifier",
               summary=f"key {new_key}: {done} re-encrypted")
        self.stdout.write(f"New key {new_key}; re-encrypted {done} CPR numbers.")
