from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from cspr.audit.models import AuditAction
from cspr.audit.services import audit_record

from .throttle import sign_in_failure_record, sign_in_throttle_clear


@receiver(user_logged_in, dispatch_uid="accounts.audit_login")
def _audit_login(sender, request, user, **kwargs):
    sign_in_throttle_clear(username=user.get_username())
    audit_record(user, AuditAction.ACCOUNT_LOGIN, request=request)


@receiver(user_logged_out, dispatch_uid="accounts.audit_logout")
def _audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(user, AuditAction.ACCOUNT_LOGOUT, request=request)


@receiver(user_login_failed, dispatch_uid="accounts.count_username_failure")
def _count_username_failure(sender, credentials, request=None, **kwargs):
    """A password was checked and was wrong: count it against the username (only then;
    a try refused by a lockout or the back-off checked no password)."""
    username = (credentials or {}).get("username")
    if request is None or not username or not getattr(request, "sign_in_password_checked", False):
        return
    row = sign_in_failure_record(username=username)
    if row.blocked_until is not None:
        user = get_user_model().objects.filter(username=username).first()
        if user is not None:
            audit_record(
                None,
                AuditAction.ACCOUNT_SIGN_IN_PAUSED,
                user,
                f"Sign-in paused after {row.failures} failed attempts from any address",
                request=request,
            )
