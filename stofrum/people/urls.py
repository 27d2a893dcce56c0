from django.urls import path

from stofrum.people import views

app_name = "people"

urlpatterns = [
    path("sites/<slug:slug>/persons/new", views.register_view, name="register"),
    path("sites/<slug:slug>/persons/<str:code>/welcome", views.welcome_view, name="welcome"),
    path("persons/<str:code>/", views.person_view, name="person"),
    path("persons/<str:code>/agreement", views.agreement_view, name="agreement"),
    path("agreement/", views.agreement_view, name="agreement_blank"),
]
