from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import render
from django.urls import reverse_lazy

from . import forms
from .permissions import can_turn_off_two_factor
from .roles import Role
from .services import (
    PasswordResetRefused,
    account_password_changed,
    account_password_reset_completed,
    account_password_reset_request,
    reset_link_lifetime,
)
from .two_factor import app_device, recovery_codes_left


@login_required
def account(request):
    """Your account: who you are here, and how you sign in."""
    user = request.user
    return render(
        request,
        "accounts/account.html",
        {
            "role_labels": [Role(role).label for role in Role if role in user.roles],
            "app_device": app_device(user),
            "recovery_codes_left": recovery_codes_left(user),
            "can_turn_off_two_factor": can_turn_off_two_factor(user),
        },
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = forms.PasswordChangeForm

    @transaction.atomic
    def form_valid(self, form):
        response = super().form_valid(form)
        account_password_changed(user=form.user, request=self.request)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Takes the address and queues the email in the outbox; the same answer whether or
    not an account has the address."""

    form_class = forms.PasswordResetForm
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        try:
            account_password_reset_request(email=form.cleaned_data["email"], request=self.request)
        except PasswordResetRefused as refusal:
            form.add_error(None, str(refusal))
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super(auth_views.PasswordResetView, self).form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "valid_for": reset_link_lifetime()}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = forms.SetPasswordForm

    @transaction.atomic
    def form_valid(self, form):
        response = super().form_valid(form)
        account_password_reset_completed(user=form.user, request=self.request)
        return response
