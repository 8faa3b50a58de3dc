"""The submitted referral as a PDF (WeasyPrint), for the case file and for meetings."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone


def _no_fetch(url, *args, **kwargs):
    # The document is self-contained; it must never make a request while rendering.
    raise ValueError(f"External resource not allowed in referral PDFs: {url}")


def referral_pdf_html(referral, *, sections, downloaded_by="", now=None) -> str:
    """The document the PDF is printed from: every answer, section by section, and who
    downloaded it when (a printed copy can be traced back to its download)."""
    return render_to_string(
        "referrals/pdf.html",
        {
            "referral": referral,
            "sections": sections,
            "partnership_name": settings.PARTNERSHIP_NAME,
            "service_name": settings.SERVICE_NAME,
            "generated_at": now or timezone.now(),
            "downloaded_by": downloaded_by,
        },
    )


def referral_pdf(referral, *, sections, downloaded_by="", now=None) -> bytes:
    # WeasyPrint loads Pango and its fonts when imported: only a PDF download pays for it.
    from weasyprint import HTML  # noqa: PLC0415

    html = referral_pdf_html(referral, sections=sections, downloaded_by=downloaded_by, now=now)
    return HTML(string=html, url_fetcher=_no_fetch).write_pdf()
