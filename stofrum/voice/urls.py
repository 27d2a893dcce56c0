from django.urls import path

from stofrum.voice import views

app_name = "voice"

urlpatterns = [
    path("sites/<slug:slug>/suggestions", views.suggestions_view, name="suggestions"),
    path("suggestions/<int:suggestion_id>/response", views.respond_view, name="respond"),
    path("sites/<slug:slug>/complaints/new", views.complaint_on_behalf_view,
         name="complaint_on_behalf"),
    path("complaints/", views.complaints_view, name="complaints"),
    path("complaints/<int:complaint_id>/", views.complaint_view, name="complaint"),
    path("sites/<slug:slug>/council/", views.council_view, name="council"),
    path("council/<int:meeting_id>/", views.council_meeting_view, name="council_meeting"),
]
