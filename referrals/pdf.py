"""The submitted referral as a PDF (WeasyPrint), for the case file and for meetings."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone


def _no_fetch(url, *args, **kwargs):
    # The document is self-contained; it must never make a request while rendering.
    raise ValueError(f"External resource not allowed in referral PDFs: {url}")


def referral_pdf(referral, *, sections) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "referrals/pdf.html",
        {
            "referral": referral,
            "sections": sections,
            "partnership_name": settings.PARTNERSHIP_NAME,
            "service_name": settings.SERVICE_NAME,
            "generated_at": timezone.now(),
        },
    )
    return HTML(string=html, url_fetcher=_no_fetch).write_pdf()
