from django.urls import path

from stofrum.live import terminal, views, wall

app_name = "live"

urlpatterns = [
    path("staff/events", views.page_events, name="events"),
    path("terminal/events", terminal.terminal_events, name="terminal_events"),
    path("staff/sites/<slug:slug>/wall-screens/", wall.manage_view, name="wall_screens"),
    path("wall/", wall.board_page_view, name="wall"),
    path("wall/board", wall.board_fragment_view, name="wall_board"),
    path("wall/events", wall.events_view, name="wall_events"),
    path("wall/connect/<str:key>/", wall.connect_view, name="wall_connect"),
]
