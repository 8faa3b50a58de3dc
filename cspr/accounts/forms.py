from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Size, Submit
from django import forms
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from .throttle import SIGN_IN_PAUSED


def clock_time(moment) -> str:
    """A time as GOV.UK writes it: 2:35pm."""
    local = timezone.localtime(moment)
    return f"{local.hour % 12 or 12}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


def gds_helper(button: str) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.label_size = Size.SMALL
    helper.add_input(Submit("submit", button))
    return helper


class LoginForm(auth_forms.AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account is not active. Ask your administrator.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        self.helper = gds_helper("Sign in")

    def get_invalid_login_error(self):
        until = getattr(self.request, "sign_in_blocked_until", None)
        if until is not None:
            return ValidationError(SIGN_IN_PAUSED.format(time=clock_time(until)), code="paused")
        return super().get_invalid_login_error()


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper("Change password")


class PasswordResetForm(auth_forms.PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper("Send reset link")


class SetPasswordForm(auth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper("Set password")


class SecurityCodeForm(forms.Form):
    """One box for a code: 6 digits from the app (or, at sign-in, a recovery code)."""

    code = forms.CharField(
        label="Security code",
        max_length=40,
        error_messages={"required": "Enter the security code"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "spellcheck": "false",
                "autocapitalize": "none",
                "class": "govuk-input--width-10",
            }
        ),
    )

    def __init__(self, *args, button: str = "Continue", hint: str = "", numeric: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = hint
        if numeric:
            self.fields["code"].widget.attrs["inputmode"] = "numeric"
        self.helper = gds_helper(button)
