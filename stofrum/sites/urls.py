from django.urls import path

from stofrum.sites import views

app_name = "sites"

urlpatterns = [
    path("house-rules/<slug:scope>/", views.house_rules_view, name="house_rules"),
]
