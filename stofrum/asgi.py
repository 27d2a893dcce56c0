import os

from django.core.asgi import get_asgi_application
from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stofrum.settings")

application = get_asgi_application()

from stofrum.startup import refusal  # noqa: E402  (needs the apps loaded above)

# Refuse to serve without what the app cannot make by itself (the CPR key).
if _why := refusal():
    raise ImproperlyConfigured(_why)
