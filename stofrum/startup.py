"""What the served app cannot make by itself (the CPR key): without it, it does not start.
Both ways of serving ask here: stofrum/asgi.py (uvicorn) and `manage.py runserver`."""

from django.core.checks import ERROR, run_checks


def refusal() -> str | None:
    """Why Stofrum will not start, or None: the checks tagged `stofrum_startup`, deployment
    checks included, must pass."""
    problems = [m for m in run_checks(tags=["stofrum_startup"], include_deployment_checks=True)
                if m.level >= ERROR]
    if not problems:
        return None
    return "Stofrum will not start:\n" + "\n".join(f"{m.msg}\n  {m.hint}" for m in problems)
