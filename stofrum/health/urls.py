from django.urls import path

from stofrum.health import views

app_name = "health"

urlpatterns = [
    path("sites/<slug:slug>/alarm", views.raise_alarm_view, name="raise_alarm"),
    path("incidents/<uuid:incident_id>/", views.incident_view, name="incident"),
    path("incidents/<uuid:incident_id>/journal", views.write_journal_view,
         name="write_journal"),
    path("journal/<uuid:journal_id>/", views.journal_view, name="journal"),
    path("journal/<uuid:journal_id>/extract", views.journal_extract_view,
         name="journal_extract"),
]
