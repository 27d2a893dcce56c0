from django.urls import path

from stofrum.care import views

app_name = "care"

urlpatterns = [
    path("sites/<slug:slug>/care", views.care_view, name="care"),
    path("sites/<slug:slug>/referrals", views.referrals_view, name="referrals"),
    path("referrals/<int:referral_id>/", views.referral_view, name="referral"),
]
