from django.urls import path

from . import views

app_name = "rapidreview"

# Included at the site's root: a case's actions sit under its referral's address.
urlpatterns = [
    path("referrals/<int:pk>/actions/<slug:action>/", views.case_action, name="case_action"),
    path("reviews/reports/<int:pk>/download/", views.report_download, name="report_download"),
    path("reviews/recommendations/", views.recommendations, name="recommendations"),
    path(
        "reviews/recommendations/<int:pk>/progress/",
        views.recommendation_update,
        name="recommendation_update",
    ),
]
