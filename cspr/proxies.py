"""Which requests came through our own reverse proxy, so whose forwarded headers to believe.

A client that reaches the application server directly can write X-Forwarded-For (a forged
address on the audit trail and in the sign-in lockout) and X-Forwarded-Proto (the HTTPS
redirect skipped). Those headers are believed only on connections from the addresses in
TRUSTED_PROXY_ADDRESSES, and only when TRUSTED_PROXY_COUNT says a proxy is there at all.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings

# Every header a proxy may add to say who the client is or how it connected.
FORWARDED_HEADERS = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_FORWARDED",
)


@lru_cache(maxsize=8)
def proxy_networks(addresses: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """The networks of TRUSTED_PROXY_ADDRESSES; a bare address is a network of one."""
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in addresses if item.strip())


def from_trusted_proxy(request) -> bool:
    """True when the connection itself comes from one of our proxies."""
    if not settings.TRUSTED_PROXY_COUNT:
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR") or "")
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in network for network in proxy_networks(tuple(settings.TRUSTED_PROXY_ADDRESSES)))


class ForwardedHeadersMiddleware:
    """First in the chain: forwarded headers on a connection that is not from our proxy are
    removed, so nothing after it (HTTPS redirect, audit, lockout) can be fooled by them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not from_trusted_proxy(request):
            for header in FORWARDED_HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)
