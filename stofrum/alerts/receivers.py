"""Health tells of incidents whose kind may now make them an overdose, or no longer does
(stofrum/health/signals.py); the alerts of their substances are evaluated in the same
transaction (stofrum/alerts/services.py `evaluate`)."""

from stofrum.alerts.services import OVERDOSE_KINDS, evaluate_incident


def incident_kind_changed(sender, incident, staff=None, kind_before="", **kwargs) -> None:
    if incident.kind in OVERDOSE_KINDS or kind_before in OVERDOSE_KINDS:
        evaluate_incident(incident, staff=staff)


def connect() -> None:
    from stofrum.health.signals import incident_kind_changed as signal

    signal.connect(incident_kind_changed, dispatch_uid="alerts.incident_kind_changed")
