"""What health tells the apps above it (the layers of ARCHITECTURE.md): they connect their
receivers in their AppConfig.ready; health imports nothing from them."""

from django.dispatch import Signal

# An incident was raised, or its kind chosen or corrected (stofrum/health/services.py), so
# that it may now count as an overdose, or no longer does: drug alerts recount the
# substances of its visit (stofrum/alerts/receivers.py). Sent inside the use case's
# transaction, so what a receiver writes commits or rolls back with the change.
# Arguments: incident, staff, kind_before ("" for a new incident).
incident_kind_changed = Signal()
