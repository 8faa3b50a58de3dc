from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from cspr.audit.services import audit_record


@receiver(user_logged_in, dispatch_uid="accounts.audit_login")
def _audit_login(sender, request, user, **kwargs):
    audit_record(actor=user, action="account.login", request=request)


@receiver(user_logged_out, dispatch_uid="accounts.audit_logout")
def _audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, action="account.logout", request=request)
