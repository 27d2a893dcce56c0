from django.urls import path

from stofrum.watch import views

app_name = "watch"

urlpatterns = [
    path("look-in", views.look_in_view, name="look_in"),
    path("check-intervals", views.intervals_view, name="intervals"),
]
