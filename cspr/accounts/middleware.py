import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

from .two_factor import has_two_factor

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


def two_factor_exempt(view):
    """Mark a view reachable before the second sign-in step: the code and set-up pages
    themselves, and signing out."""
    view.two_factor_exempt = True
    return view


class TwoFactorMiddleware:
    """Until a code from the authenticator app (or a recovery code) is accepted in this
    session, someone who has the app set up sees only the code page, and someone whose
    role needs it (TWO_FACTOR_ROLES, or access to admin) sees only the set-up pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        target = None
        if has_two_factor(user):
            target = "two_factor_verify"
        elif user.two_factor_required:
            target = "two_factor_setup"
        # The header shows only "Sign out" until the second step is done.
        request.two_factor_pending = target is not None
        if target is None or getattr(view_func, "two_factor_exempt", False):
            return None
        if target == "two_factor_setup":
            messages.info(
                request,
                "Your role needs two-factor sign-in. Set it up to continue: it takes about 2 minutes.",
            )
        url = reverse(target)
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(url)
