import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

SESSION_KEY = "last_activity"


class IdleTimeoutMiddleware:
    """Signs a user out after SESSION_IDLE_MINUTES without a request, and says so."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(SESSION_KEY)
            idle_limit = settings.SESSION_IDLE_MINUTES * 60
            if last is not None and now - last > idle_limit:
                logout(request)
                messages.info(
                    request,
                    "You were signed out because you had not used the service for "
                    f"{settings.SESSION_IDLE_MINUTES} minutes. Sign in again to continue.",
                )
                return redirect(f"{reverse('login')}?timeout=1")
            request.session[SESSION_KEY] = now
        return self.get_response(request)
