"""The substance code list of API.md; loaded by migration 0002 and re-loadable (tests that
flush the database, or an installation whose list was emptied by mistake)."""

import importlib

from stofrum.visits.models import Substance

_migration = importlib.import_module("stofrum.visits.migrations.0002_substances")
SUBSTANCES = _migration.SUBSTANCES


def seed_substances() -> None:
    for order, (code, da, en) in enumerate(SUBSTANCES, start=1):
        Substance.objects.get_or_create(
            code=code, defaults={"name_da": da, "name_en": en, "sort_order": order}
        )
