from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader

from cspr.accounts.permissions import can_administer
from cspr.accounts.roles import Role


@login_required
def home(request):
    """Each role's landing page: what this person can do today."""
    user = request.user
    return render(
        request,
        "home.html",
        {
            "role_labels": [Role(role).label for role in Role if role in user.roles],
            "is_administrator": can_administer(user),
        },
    )


def server_error(request):
    """The 500 page, rendered without the database or context processors: whatever broke
    may be what they need. It says nothing about the error itself."""
    html = loader.get_template("500.html").render(
        {"service_name": settings.SERVICE_NAME, "partnership_name": settings.PARTNERSHIP_NAME}
    )
    return HttpResponseServerError(html)


def csrf_failure(request, reason=""):
    """A form sent from a page that had expired (or from another site): say what to do,
    in the service's own page, rather than Django's technical one."""
    return render(request, "403_csrf.html", status=403)
