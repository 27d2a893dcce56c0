import os

from django.core.asgi import get_asgi_application
from django.core.checks import ERROR, run_checks
from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stofrum.settings")

application = get_asgi_application()

# Refuse to serve without what the app cannot make by itself (the CPR key): the checks
# tagged `stofrum_startup`, deployment checks included, must pass.
_problems = [m for m in run_checks(tags=["stofrum_startup"], include_deployment_checks=True)
             if m.level >= ERROR]
if _problems:
    raise ImproperlyConfigured("Stofrum will not start:\n" + "\n".join(
        f"{m.msg}\n  {m.hint}" for m in _problems))
