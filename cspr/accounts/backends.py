from django.core.exceptions import PermissionDenied

from .throttle import sign_in_blocked_until


class SignInThrottleBackend:
    """Refuses, before any password is checked, a username that is waiting out its back-off.

    It authenticates nobody itself; it stands between django-axes and ModelBackend in
    AUTHENTICATION_BACKENDS. It marks the request so the sign-in form can say why, and so
    the failure is not counted again (no password was tried). It has no get_user, so a
    session is never attributed to it.
    """

    def authenticate(self, request, username=None, **kwargs):
        if request is None or not username:
            return None
        until = sign_in_blocked_until(username=username)
        if until is not None:
            request.sign_in_blocked_until = until
            raise PermissionDenied("sign-in paused for this username")
        request.sign_in_password_checked = True
        return None
