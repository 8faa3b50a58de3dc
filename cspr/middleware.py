from django.utils.cache import add_never_cache_headers


class NoStoreForSignedInMiddleware:
    """Pages for a signed-in user hold case data: never keep them in a browser or proxy
    cache, so the back button on a shared computer shows nothing after sign-out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        # A view that chose its own caching (downloads send "no-store") keeps it.
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response


class ContentSecurityPolicyMiddleware:
    """Scripts, styles and everything else only from this site: an injected script or a
    form posting elsewhere is refused by the browser. Django admin keeps inline styles."""

    BASE = (
        "default-src 'self'; script-src 'self'; img-src 'self' data:; font-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
        "frame-ancestors 'none'"
    )
    APP = f"{BASE}; style-src 'self'"
    ADMIN = f"{BASE}; style-src 'self' 'unsafe-inline'"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Content-Security-Policy"):
            admin = request.path.startswith("/admin/")
            response["Content-Security-Policy"] = self.ADMIN if admin else self.APP
        return response
