from django.contrib.auth.decorators import login_required
from django.shortcuts import render

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
            "is_administrator": user.is_staff and user.has_role(Role.ADMINISTRATOR),
        },
    )
