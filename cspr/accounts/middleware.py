import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

SESSION_KEY = "last_activity"
SIGNED_IN_KEY = "signed_in_at"


class IdleTimeoutMiddleware:
    """Signs a user out after SESSION_IDLE_MINUTES without a request, or SESSION_MAX_AGE_HOURS
    after signing in however active, and says why on the sign-in page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(SESSION_KEY)
            signed_in = request.session.setdefault(SIGNED_IN_KEY, now)
            idle_limit = settings.SESSION_IDLE_MINUTES * 60
            if last is not None and now - last > idle_limit:
                return self._sign_out(
                    request,
                    "You were signed out because you had not used the service for "
                    f"{settings.SESSION_IDLE_MINUTES} minutes. Sign in again to continue.",
                )
            if now - signed_in > settings.SESSION_MAX_AGE_HOURS * 3600:
                return self._sign_out(
                    request,
                    f"You were signed out because you signed in more than {settings.SESSION_MAX_AGE_HOURS} "
                    "hours ago. Sign in again to continue.",
                )
            request.session[SESSION_KEY] = now
        return self.get_response(request)

    @staticmethod
    def _sign_out(request, message: str):
        logout(request)
        messages.info(request, message)
        return redirect(f"{reverse('login')}?timeout=1")
