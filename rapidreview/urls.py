from django.urls import path

from . import views

app_name = "rapidreview"

urlpatterns = [
    path("reports/<int:pk>/download/", views.report_download, name="report_download"),
    path("recommendations/", views.recommendations, name="recommendations"),
    path("recommendations/<int:pk>/progress/", views.recommendation_update, name="recommendation_update"),
]
