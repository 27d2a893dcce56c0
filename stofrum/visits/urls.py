from django.urls import path

from stofrum.visits import views

app_name = "visits"

urlpatterns = [
    path("search", views.search_fragment, name="search"),
    path("board", views.board_fragment, name="board"),
    path("check-in", views.check_in_view, name="check_in"),
    path("check-out", views.check_out_view, name="check_out"),
    path("undo-check-out", views.undo_checkout_view, name="undo_checkout"),
    path("visits/<uuid:visit_id>/correct", views.correct_view, name="correct"),
    path("leave-queue", views.leave_queue_view, name="leave_queue"),
    path("booth-ready", views.booth_ready_view, name="booth_ready"),
    path("assisted-intake", views.assisted_toggle_view, name="assisted_toggle"),
    path("visits/<uuid:visit_id>/assistance", views.assistance_view, name="assistance"),
]
