from django.urls import path

from stofrum.rounds import views

app_name = "rounds"

urlpatterns = [
    path("sites/<slug:slug>/round", views.round_view, name="record"),
]
