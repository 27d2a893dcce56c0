from django.urls import path

from stofrum.alerts import views

app_name = "alerts"

urlpatterns = [
    path("", views.list_view, name="list"),
    path("raise", views.raise_view, name="raise"),
    path("banner", views.banner_fragment, name="banner"),
    path("<uuid:alert_id>/acknowledge", views.acknowledge_view, name="acknowledge"),
    path("<uuid:alert_id>/end", views.end_view, name="end"),
]
