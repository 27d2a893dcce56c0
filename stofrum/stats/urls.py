from django.urls import path

from stofrum.stats import views

app_name = "stats"

urlpatterns = [
    path("stats/", views.dashboard_view, name="city"),
    path("stats/report/", views.report_view, name="city_report"),
    path("stats/key-figures/", views.key_figures_view, name="city_key_figures"),
    path("stats/<slug:slug>/", views.dashboard_view, name="site"),
    path("stats/<slug:slug>/report/", views.report_view, name="site_report"),
    path("stats/<slug:slug>/key-figures/", views.key_figures_view, name="site_key_figures"),
]
