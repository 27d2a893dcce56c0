from django.urls import path

from stofrum.health import views

app_name = "health"

urlpatterns = [
    path("sites/<slug:slug>/alarm", views.raise_alarm_view, name="raise_alarm"),
    path("sites/<slug:slug>/alarms", views.open_alarms_view, name="open_alarms"),
    path("incidents/<uuid:incident_id>/", views.incident_view, name="incident"),
]
