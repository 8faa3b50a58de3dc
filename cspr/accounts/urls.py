from django.contrib.auth import views as auth_views
from django.urls import path

from . import two_factor_views, views

urlpatterns = [
    path("", views.account, name="account"),
    path("two-factor/set-up/", two_factor_views.setup, name="two_factor_setup"),
    path("two-factor/code/", two_factor_views.verify, name="two_factor_verify"),
    path("two-factor/recovery-codes/", two_factor_views.recovery_codes, name="two_factor_recovery_codes"),
    path(
        "two-factor/recovery-codes/new/",
        two_factor_views.recovery_codes_new,
        name="two_factor_recovery_codes_new",
    ),
    path("two-factor/turn-off/", two_factor_views.turn_off, name="two_factor_turn_off"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
