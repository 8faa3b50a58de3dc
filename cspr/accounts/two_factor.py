"""Two-factor sign-in: an authenticator app (TOTP) and single-use recovery codes.

Built on django-otp: a TOTPDevice holds the app's secret, a StaticDevice the recovery
codes. A session is "verified" once a code from either was accepted in it
(django_otp.login); cspr.accounts.middleware.TwoFactorMiddleware sends anyone who has
the app, or whose role needs it, to the code page until then. Each service here locks
the device it checks, so a code is accepted once however often it is sent, and records
what happened on the audit trail (never a code or a secret).
"""

import re
from base64 import b32encode
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cspr.audit.models import AuditAction
from cspr.audit.services import audit_record
from cspr.notifications.services import notification_queue, recipient_for_user

from .permissions import can_turn_off_two_factor
from .services import spoken_time

APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
RECOVERY_CODE_COUNT = 10

CODE_WRONG = "The code is not right. Enter the 6-digit code your authenticator app shows now."
RECOVERY_CODE_WRONG = "That recovery code is not right, or it was used already. Check it and try again."
CODE_FORMAT = "Enter the 6-digit code from your authenticator app, or one of your recovery codes."
CODE_WAIT = "You entered a wrong code too many times. Wait {seconds} seconds, then try again."
SETUP_EXPIRED = "Setting up took too long or was finished in another tab. Start again."

SIX_DIGITS = re.compile(r"\d{6}")


class TwoFactorRefused(Exception):
    """A code was not accepted; the message says what to do."""


@dataclass(frozen=True)
class Enrolment:
    device: TOTPDevice

    @property
    def key(self) -> str:
        """The secret as the base32 text an app accepts typed in, in groups of four."""
        text = b32encode(self.device.bin_key).decode().rstrip("=")
        return " ".join(text[i : i + 4] for i in range(0, len(text), 4))

    @property
    def config_url(self) -> str:
        return self.device.config_url


def normalise_code(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


def app_device(user) -> TOTPDevice | None:
    """The user's authenticator app, once set up."""
    if not getattr(user, "is_authenticated", False):
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-id").first()


def has_two_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def two_factor_enrolment_start(*, user, device_id: int | None = None) -> Enrolment:
    """The unconfirmed app device being set up: the one already started (device_id), or a
    new one with a fresh secret. Nothing changes for sign-in until it is confirmed."""
    device = None
    if device_id is not None:
        device = TOTPDevice.objects.filter(pk=device_id, user=user, confirmed=False).first()
    if device is None:
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return Enrolment(device)


def two_factor_enrolment_confirm(*, user, device_id: int, code: str, request) -> list[str]:
    """Confirm the app being set up with a code it shows; return new recovery codes.

    The device is locked, so a double submission confirms once (the second finds nothing
    to confirm). On success the app replaces any earlier one, new recovery codes replace
    old ones, this session counts as verified, and the change is audited. A wrong code is
    audited too (and counts towards django-otp's throttle) before it is refused.
    """
    code = normalise_code(code)
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update().filter(pk=device_id, user=user, confirmed=False).first()
        )
        if device is None:
            raise TwoFactorRefused(SETUP_EXPIRED)
        if SIX_DIGITS.fullmatch(code) and device.verify_token(code):
            earlier = TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk)
            replaced = earlier.exists()
            earlier.delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = _recovery_codes_replace(user)
            otp_login(request, device)
            audit_record(
                user,
                AuditAction.TWO_FACTOR_ENABLED,
                user,
                "Authenticator app replaced; new recovery codes" if replaced else "Authenticator app added",
                request=request,
            )
            return codes
    audit_record(user, AuditAction.TWO_FACTOR_FAILED, user, "Set-up: wrong code", request=request)
    raise TwoFactorRefused(CODE_WRONG)


def _recovery_codes_replace(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def recovery_codes_replace(*, user, request) -> list[str]:
    """New recovery codes; the old ones stop working. Needs the app to be set up."""
    if not has_two_factor(user):
        raise TwoFactorRefused("Set up two-factor sign-in first.")
    codes = _recovery_codes_replace(user)
    audit_record(
        user,
        AuditAction.RECOVERY_CODES_REPLACED,
        user,
        f"{RECOVERY_CODE_COUNT} new recovery codes; the old ones stopped working",
        request=request,
    )
    return codes


def two_factor_verify(*, user, code: str, request, now=None):
    """Accept a code from the app or a recovery code for this session.

    Six digits are checked against the app, anything else against the recovery codes
    (each works once). django-otp's throttle doubles the wait after each wrong code.
    Every attempt is audited. Returns the device; raises TwoFactorRefused otherwise.
    """
    now = now or timezone.now()
    code = normalise_code(code)
    if not code:
        raise TwoFactorRefused(CODE_FORMAT)
    model, wrong, label = (
        (TOTPDevice, CODE_WRONG, "authenticator app")
        if SIX_DIGITS.fullmatch(code)
        else (StaticDevice, RECOVERY_CODE_WRONG, "recovery code")
    )
    with transaction.atomic():
        device = model.objects.select_for_update().filter(user=user, confirmed=True).order_by("-id").first()
        if device is None:
            accepted, message = False, wrong
        else:
            allowed, details = device.verify_is_allowed()
            if not allowed and details and details.get("locked_until"):
                seconds = max(1, int((details["locked_until"] - now).total_seconds() + 0.999))
                accepted, message = False, CODE_WAIT.format(seconds=seconds)
            else:
                accepted, message = device.verify_token(code), wrong
    if not accepted:
        audit_record(
            user,
            AuditAction.TWO_FACTOR_FAILED,
            user,
            f"Sign-in: {label} code refused"
            + (" (waiting after repeated wrong codes)" if message != wrong else ""),
            request=request,
            now=now,
        )
        raise TwoFactorRefused(message)
    otp_login(request, device)
    summary = "Authenticator app"
    if model is StaticDevice:
        summary = f"Recovery code ({recovery_codes_left(user)} left)"
    audit_record(user, AuditAction.TWO_FACTOR_VERIFIED, user, summary, request=request, now=now)
    return device


@transaction.atomic
def two_factor_turn_off(*, user, request) -> None:
    """Remove the app and the recovery codes, for someone whose role does not need them."""
    if not can_turn_off_two_factor(user):
        raise TwoFactorRefused(can_turn_off_two_factor.refusal)
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit_record(user, AuditAction.TWO_FACTOR_DISABLED, user, request=request)


@transaction.atomic
def two_factor_reset_by_admin(*, user, by, request, now=None) -> None:
    """An administrator removed someone's app and codes (a lost phone). Their sessions stop
    counting as verified; they set it up again at their next sign-in if their role needs
    it. Audited, and the person is told by email who did it and when."""
    now = now or timezone.now()
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit_record(
        by,
        AuditAction.TWO_FACTOR_RESET_BY_ADMIN,
        user,
        "Administration: removed the authenticator app and recovery codes",
        request=request,
        now=now,
    )
    notification_queue(
        event="account_two_factor_reset",
        event_key=f"account_two_factor_reset:{user.pk}:{now.isoformat()}",
        case_reference="",
        recipients=[recipient_for_user(user)],
        template="account_two_factor_reset",
        context={
            "event_label": "An administrator reset your two-factor sign-in",
            "actor_name": by.get_full_name() or by.get_username(),
            "occurred_at": spoken_time(now),
            "link_path": reverse("account"),
        },
        now=now,
    )
