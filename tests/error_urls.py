"""The service's URLs plus views that fail on purpose, for the error-page tests."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from cspr.urls import handler500  # noqa: F401
from cspr.urls import urlpatterns as service_urlpatterns


def boom(request):
    raise RuntimeError("Jane Example, 4 Example Road")


def refused(request):
    raise PermissionDenied


urlpatterns = [path("test-boom/", boom), path("test-refused/", refused), *service_urlpatterns]
