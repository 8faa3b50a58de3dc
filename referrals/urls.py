from django.urls import path

from . import views

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list, name="list"),
    path("mine/", views.mine, name="mine"),
    path("new/", views.create, name="create"),
    path("triage/", views.triage, name="triage"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/draft/", views.task_list, name="task_list"),
    path("<int:pk>/draft/<slug:section>/", views.edit, name="edit"),
    path("<int:pk>/check/", views.check, name="check"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/submitted/", views.confirmation, name="confirmation"),
    path("<int:pk>/withdraw/", views.withdraw_draft, name="withdraw_draft"),
    path("<int:pk>/pdf/", views.pdf, name="pdf"),
    path("<int:referral_pk>/local-authority-aware/", views.la_aware, name="la_aware"),
]
