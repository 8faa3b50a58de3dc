from django.conf import settings


def service(request):
    return {
        "service_name": settings.SERVICE_NAME,
        "partnership_name": settings.PARTNERSHIP_NAME,
        # Signed in with a password, second step still to do: no way into the service yet.
        "two_factor_pending": getattr(request, "two_factor_pending", False),
    }
