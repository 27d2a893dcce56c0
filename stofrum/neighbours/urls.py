from django.urls import path

from stofrum.neighbours import views

app_name = "neighbours"

urlpatterns = [
    path("neighbours/", views.report_view, name="report"),
    path("neighbours/thanks", views.thanks_view, name="thanks"),
    path("staff/sites/<slug:slug>/neighbours/", views.site_reports_view, name="site_reports"),
    path("staff/neighbours/<str:report_id>/close", views.close_view, name="close"),
    path("staff/neighbours/<str:report_id>/contact", views.contact_view, name="contact"),
]
