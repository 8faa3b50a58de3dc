from django.urls import path

from . import views

app_name = "deadlines"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("case/<int:referral_pk>/", views.case_deadlines, name="case"),
    path("case/<int:referral_pk>/record/<slug:kind>/", views.record_notification, name="record_notification"),
    path("<int:pk>/waive/", views.waive, name="waive"),
    path("calendar/", views.calendar_feed, name="calendar_feed"),
    path("calendar/turn-off/", views.calendar_feed_revoke, name="calendar_feed_revoke"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
]
