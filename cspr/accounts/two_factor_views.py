"""The pages of two-factor sign-in: set up, enter a code, recovery codes, turn off."""

from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_static.models import StaticDevice

from cspr.permissions import require

from .forms import SecurityCodeForm
from .middleware import two_factor_exempt
from .permissions import can_turn_off_two_factor
from .two_factor import (
    RECOVERY_CODE_COUNT,
    TwoFactorRefused,
    has_two_factor,
    recovery_codes_left,
    recovery_codes_replace,
    two_factor_enrolment_confirm,
    two_factor_enrolment_start,
    two_factor_turn_off,
    two_factor_verify,
)

PENDING_DEVICE_KEY = "two_factor_pending_device"
NEW_CODES_KEY = "two_factor_new_codes"
FEW_CODES_LEFT = 3


def next_url(request, default: str = "home") -> str:
    """Where to go afterwards: a `next` on this site, or the default page."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(default)


def _with_next(name: str, request) -> str:
    url = reverse(name)
    target = request.POST.get("next") or request.GET.get("next")
    if target:
        url += "?" + urlencode({"next": next_url(request)})
    return url


@two_factor_exempt
@login_required
@require_http_methods(["GET", "POST"])
def setup(request):
    """Add an authenticator app: scan or type the key, then prove it with a code."""
    user = request.user
    if has_two_factor(user) and not user.is_verified():
        # Replacing the app needs the current one (or a recovery code) first.
        return redirect(_with_next("two_factor_verify", request))
    form = SecurityCodeForm(
        request.POST or None,
        button="Continue",
        hint="The 6-digit code the app shows now for this service",
        numeric=True,
    )
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor_enrolment_confirm(
                user=user,
                device_id=request.session.get(PENDING_DEVICE_KEY) or 0,
                code=form.cleaned_data["code"],
                request=request,
            )
        except TwoFactorRefused as refusal:
            form.add_error("code", str(refusal))
        else:
            request.session.pop(PENDING_DEVICE_KEY, None)
            request.session.cycle_key()
            request.session[NEW_CODES_KEY] = codes
            return redirect(_with_next("two_factor_recovery_codes", request))
    enrolment = two_factor_enrolment_start(user=user, device_id=request.session.get(PENDING_DEVICE_KEY))
    request.session[PENDING_DEVICE_KEY] = enrolment.device.pk
    qr = segno.make(enrolment.config_url, error="m")
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "key": enrolment.key,
            "qr_data_uri": qr.svg_data_uri(scale=5, border=4, dark="#0b0c0c"),
            "replacing": has_two_factor(user),
            "required": user.two_factor_required,
            "next": request.GET.get("next", "") or request.POST.get("next", ""),
        },
    )


@two_factor_exempt
@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    """The second sign-in step: a code from the app, or a recovery code."""
    user = request.user
    if user.is_verified():
        return redirect(next_url(request))
    if not has_two_factor(user):
        return redirect(
            _with_next("two_factor_setup", request) if user.two_factor_required else next_url(request)
        )
    form = SecurityCodeForm(
        request.POST or None,
        button="Continue",
        hint="The 6-digit code your authenticator app shows for this service",
    )
    if request.method == "POST" and form.is_valid():
        try:
            device = two_factor_verify(user=user, code=form.cleaned_data["code"], request=request)
        except TwoFactorRefused as refusal:
            form.add_error("code", str(refusal))
        else:
            # A new session key for the now fully signed-in session.
            request.session.cycle_key()
            left = recovery_codes_left(user)
            if isinstance(device, StaticDevice) and left <= FEW_CODES_LEFT:
                messages.warning(
                    request,
                    f"You have {left} recovery code{'s' if left != 1 else ''} left. "
                    "Get new ones from your account page.",
                )
            return redirect(next_url(request))
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": request.GET.get("next", "") or request.POST.get("next", "")},
    )


@login_required
def recovery_codes(request):
    """The recovery codes just made, shown once; afterwards only how many are left."""
    codes = request.session.pop(NEW_CODES_KEY, None)
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "left": recovery_codes_left(request.user), "continue_url": next_url(request)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes_new(request):
    """Replace the recovery codes (after using some, or if they may have been seen)."""
    if not has_two_factor(request.user):
        raise PermissionDenied("Set up two-factor sign-in before you get recovery codes.")
    if request.method == "POST":
        request.session[NEW_CODES_KEY] = recovery_codes_replace(user=request.user, request=request)
        return redirect("two_factor_recovery_codes")
    return render(
        request,
        "accounts/recovery_codes_new.html",
        {"left": recovery_codes_left(request.user), "count": RECOVERY_CODE_COUNT},
    )


@login_required
@require_http_methods(["GET", "POST"])
def turn_off(request):
    """Turn two-factor sign-in off, for someone whose role does not need it."""
    require(can_turn_off_two_factor, request.user)
    if not has_two_factor(request.user):
        return redirect("account")
    if request.method == "POST":
        two_factor_turn_off(user=request.user, request=request)
        messages.success(request, "Two-factor sign-in is off. You sign in with your password only.")
        return redirect("account")
    return render(request, "accounts/two_factor_turn_off.html")
