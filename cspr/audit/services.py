from django.conf import settings
from django.utils import timezone

from cspr.proxies import from_trusted_proxy

from .models import AuditAction, AuditEvent


def client_ip(request) -> str | None:
    """The client's address: the connection's own, or, on a connection from our proxy
    (TRUSTED_PROXY_ADDRESSES) behind TRUSTED_PROXY_COUNT proxies of ours, the address the
    outermost of them saw. Entries a client wrote itself are ignored. The sign-in lockout
    (django-axes) uses this too, so it counts failures per real client."""
    if request is None:
        return None
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies and from_trusted_proxy(request):
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def audit_record(actor, action: str, obj=None, summary: str = "", *, request=None, now=None) -> AuditEvent:
    """Append one event to the audit trail: who, which AuditAction, on which object.

    `summary` says what changed in words (field names, states, counts), never the
    values of child or family data. Positional, so recording an event reads as one line.
    """
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        at=now or timezone.now(),
        actor=user,
        actor_username=user.get_username() if user else "",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_label=str(getattr(obj, "audit_label", "") or "")[:100] if obj is not None else "",
        summary=summary[:500],
        ip_address=client_ip(request),
    )


def audit_read(*, request, what: str, obj=None, now=None) -> AuditEvent:
    """Record that the signed-in person read case data: one case's (`obj`, usually the
    Referral) or a list naming cases (no `obj`). `what` says which page or record, in
    words, never the values shown."""
    return audit_record(
        request.user,
        AuditAction.CASE_VIEWED if obj is not None else AuditAction.LIST_VIEWED,
        obj,
        what,
        request=request,
        now=now,
    )
