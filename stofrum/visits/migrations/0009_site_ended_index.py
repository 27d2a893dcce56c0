"""An index on a site's visits by the time they ended: the board's check-outs that can
still be undone (`services.recent_checkouts`) read the last minutes of a site's check-outs
from it, where PostgreSQL filtered every visit the site ever had (47 ms → 0.1 ms on
bench/checkin.py's 400,000 visits, 2026-12-01)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("visits", "0008_door_config_stamp")]

    operations = [
        migrations.AddIndex(
            model_name="visit",
            index=models.Index(fields=["site", "ended_at"], name="visit_site_ended"),
        ),
    ]
