from django.urls import path

from stofrum.public import views

app_name = "public"

urlpatterns = [
    path("", views.home_view, name="home"),
]
