"""The staff's pages under the URL namespace "staff" (staff:login, staff:home, staff:site,
...: names used throughout): the login steps (staff), the home page and merging two
persons (desk), a site's page (visits) and its event stream (live). It gathers several
apps, so it lives at the top."""

from django.urls import path

from stofrum.desk import views as desk
from stofrum.live.views import page_site_events
from stofrum.staff import views
from stofrum.visits.views import door_view

app_name = "staff"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/verify/", views.verify_view, name="verify"),
    path("login/enrol/", views.enrol_view, name="enrol"),
    path("logout/", views.logout_view, name="logout"),
    path("lock/", views.lock_view, name="lock"),
    path("staff/", desk.home_view, name="home"),
    path("staff/sites/<slug:slug>/", door_view, name="site"),
    path("staff/sites/<slug:slug>/events", page_site_events, name="site_events"),
    path("staff/persons/<str:code>/merge", desk.merge_view, name="merge_persons"),
]
