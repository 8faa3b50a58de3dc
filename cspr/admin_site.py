"""Django admin, reachable only with a verified second factor."""

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse

ADMIN_ONLY = (
    "Administration is only for administrators. If you need to change users, agencies or "
    "contacts, ask your administrator."
)


class CsprAdminSite(admin.AdminSite):
    site_header = "Child Safeguarding Practice Reviews — administration"
    site_title = "CSPR administration"

    def has_permission(self, request):
        user = request.user
        return super().has_permission(request) and user.is_verified()

    def login(self, request, extra_context=None):
        """Everyone signs in on the service's own page, with its second step; admin has no
        sign-in form of its own that could skip it."""
        if request.user.is_authenticated:
            raise PermissionDenied(ADMIN_ONLY)
        return redirect_to_login(
            request.GET.get("next") or reverse("admin:index", current_app=self.name), reverse("login")
        )
