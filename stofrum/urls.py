from django.contrib import admin
from django.urls import include, path

from stofrum.api import api
from stofrum.audit.views import audit_list_view
from stofrum.live.views import api_site_events
from stofrum.readiness import readyz
from stofrum.staff.admin_site import install as install_admin_site
from stofrum.views import healthz

install_admin_site()

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    # Streams stay plain async Django views; registered before the ninja API it extends.
    path("api/v1/sites/<slug:slug>/events", api_site_events, name="api-site-events"),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("staff/audit/", audit_list_view, name="audit"),
    path("", include("stofrum.live.urls")),
    path("staff/sites/<slug:slug>/", include("stofrum.visits.urls")),
    path("staff/", include("stofrum.people.urls")),
    path("staff/", include("stofrum.health.urls")),
    path("staff/", include("stofrum.care.urls")),
    path("staff/", include("stofrum.conduct.urls")),
    path("staff/", include("stofrum.voice.urls")),
    path("staff/", include("stofrum.rounds.urls")),
    path("staff/", include("stofrum.sites.urls")),
    path("staff/", include("stofrum.stats.urls")),
    path("staff/alerts/", include("stofrum.alerts.urls")),
    path("", include("stofrum.desk.urls")),
    path("", include("stofrum.public.urls")),
]

handler400 = "stofrum.views.bad_request"
handler403 = "stofrum.views.forbidden"
handler404 = "stofrum.views.not_found"
handler500 = "stofrum.views.server_error"
