from django.urls import path

from stofrum.conduct import views

app_name = "conduct"

urlpatterns = [
    path("persons/<str:code>/violations", views.violation_view, name="violation"),
    path("persons/<str:code>/exclusion", views.exclusion_view, name="exclusion"),
    path("persons/<str:code>/quarantines", views.quarantine_view, name="quarantine"),
    path("quarantines/<int:quarantine_id>/lift", views.lift_view, name="lift"),
    path("sites/<slug:slug>/quarantines", views.site_quarantines_view, name="site_quarantines"),
]
