"""What people tells the apps above it, and asks of them. People imports nothing from them
(the layers of ARCHITECTURE.md, checked by `make lint`): they connect their receivers at
start-up, in their AppConfig.ready."""

from django.dispatch import Signal

# A person's alias, birth year, gender or municipality was corrected: statistics rebuild
# the days they count the person's visits on (stofrum/stats/receivers.py). Sent inside the
# changing transaction. Arguments: person (as saved), before (the corrected fields' old
# values).
person_changed = Signal()
