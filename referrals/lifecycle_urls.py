"""The lifecycle's URLs, added to the referrals namespace by referrals/urls.py."""

from django.urls import path

from . import lifecycle_views

urlpatterns = [
    path("triage/", lifecycle_views.triage, name="triage"),
    path("<int:pk>/actions/<slug:action>/", lifecycle_views.case_action, name="case_action"),
]
