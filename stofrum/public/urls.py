from django.urls import path

from stofrum.public import views

app_name = "public"

urlpatterns = [
    path("", views.home_view, name="home"),
    path("rules/<slug:slug>/", views.rules_view, name="rules"),
    path("complaints/", views.complaint_view, name="complaint"),
    path("complaints/thanks", views.complaint_thanks_view, name="complaint_thanks"),
]
