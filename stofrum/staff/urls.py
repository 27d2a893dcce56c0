from django.urls import path

from stofrum.staff import views

app_name = "staff"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/verify/", views.verify_view, name="verify"),
    path("login/enrol/", views.enrol_view, name="enrol"),
    path("logout/", views.logout_view, name="logout"),
    path("staff/", views.home_view, name="home"),
    path("staff/sites/<slug:slug>/", views.site_view, name="site"),
]
