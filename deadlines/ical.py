"""An iCalendar (RFC 5545) file of deadlines, for Outlook and other calendar programs.

Each deadline is an all-day event on its due day. Like an email, an event carries only
the case reference, what is due, by when, who is responsible and a link: never a child's
or family's details, as calendars are synchronised to phones and shared with assistants.
Nor does it carry the deadline's explanation, which names the date it is counted from:
for some rules that is the date of the child's death or the incident, which together
with the partnership's name can identify the child.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.urls import reverse

from .calendar import format_day
from .models import Deadline


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1)."""
    out, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode())
            current = b""
        current += encoded
    out.append(current.decode())
    return "\r\n ".join(out)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def deadlines_calendar(deadlines: list[Deadline], *, now: datetime) -> str:
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "cspr"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//{settings.PARTNERSHIP_NAME}//CSPR deadlines//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape('CSPR deadlines')}",
        "X-WR-TIMEZONE:Europe/London",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
    ]
    for deadline in deadlines:
        reference = deadline.referral.reference or f"#{deadline.referral_id}"
        kind = "target" if deadline.rule.is_target else "due"
        link = f"{settings.SITE_URL}{reverse('referrals:detail', args=[deadline.referral_id])}"
        description = "\n".join(
            [
                f"{deadline.rule.label}: {kind} by the end of {format_day(deadline.due_date)}.",
                *(
                    ["The procedure says ‘as soon as’: this date is the partnership’s target."]
                    if deadline.rule.is_target
                    else []
                ),
                f"Responsible: {deadline.rule.responsible}.",
                link,
            ]
        )
        lines += [
            "BEGIN:VEVENT",
            f"UID:deadline-{deadline.pk}@{host}",
            f"DTSTAMP:{_stamp(now)}",
            f"LAST-MODIFIED:{_stamp(now)}",
            f"DTSTART;VALUE=DATE:{deadline.due_date:%Y%m%d}",
            f"DTEND;VALUE=DATE:{deadline.due_date + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_escape(f'{reference}: {deadline.rule.label} ({kind})')}",
            f"DESCRIPTION:{_escape(description)}",
            f"URL:{link}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
