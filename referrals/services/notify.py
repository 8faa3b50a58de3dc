"""Who is told when a case moves, and how: the outbox rows every lifecycle service queues.

Each kind of event is a CaseNotice, a row of data (who is told, in which words, with
which template), and `case_tell` queues it; the services name the notice, not its
recipients. The context of every email carries only the case reference, what happened,
the status, what is needed and by when, and a link: never a child's or family's details.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.urls import reverse

from cspr.accounts.roles import Role
from cspr.dates import long_date
from cspr.notifications.models import ContactRole
from cspr.notifications.services import (
    Recipient,
    notification_queue,
    recipient_for_user,
    recipients_for_contact_roles,
)
from referrals.models import Referral


def case_link_path(case: Referral) -> str:
    return reverse("referrals:detail", args=[case.pk])


def agency_leads(agencies):
    """Active agency safeguarding leads of these agencies."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.AGENCY_LEAD.label, agency__in=list(agencies))
        .distinct()
        .order_by("pk")
    )


def referrer_recipient(case: Referral) -> Recipient | None:
    """The referrer: their account's address, or the one on the form if the account has none."""
    if not case.created_by_id:
        return None
    recipient = recipient_for_user(case.created_by)
    if recipient.email or not case.referrer_email:
        return recipient
    return Recipient(email=case.referrer_email, name=recipient.name, user=case.created_by)


@dataclass(frozen=True)
class CaseNotice:
    """Who is told of one kind of event on a case, and in which words.

    `label` says what happened and may name `{values}` given when it is told. `action`
    is what the partnership must do next, shown with the due date to the contacts but
    not to the referrer. Agency leads (of the agencies a call names) get `leads_label`
    and `leads_action`, with their agency's name, when the notice has them.
    """

    event: str
    label: str
    contacts: tuple = (ContactRole.COORDINATOR, ContactRole.SUBGROUP_CHAIR)
    referrer: bool = True
    action: str = ""
    template: str = "case_lifecycle"
    leads_label: str = ""
    leads_action: str = ""
    leads_template: str = "case_participation"
    # URL names to link to instead of the case page: for everyone, and for the leads.
    link: str = ""
    leads_link: str = ""


# The subgroup's contacts with the local authority's quality assurance lead, who notifies.
WITH_QA = (ContactRole.COORDINATOR, ContactRole.SUBGROUP_CHAIR, ContactRole.LA_SERVICE_LEADER_QA)


def case_tell(
    case: Referral,
    notice: CaseNotice,
    *,
    now,
    due_date: date | None = None,
    agencies=(),
    key: str = "",
    action: str | None = None,
    **values,
):
    """Queue `notice` for this case: its contacts and the referrer, and the safeguarding
    leads of `agencies` when the notice speaks to leads. `key` tells apart two events of
    one kind on a case (the second recommendation); `action` replaces the notice's own
    (an empty one when nothing more is needed)."""
    told = _Told(case, notice, now=now, due_date=due_date, key=key)
    rows = told.contacts(notice.label.format(**values), notice.action if action is None else action)
    if agencies and (notice.leads_label or notice.leads_action):
        rows += told.leads(agencies, (notice.leads_label or notice.label).format(**values))
    return rows


@dataclass
class _Told:
    """One telling of a notice: the outbox rows for its contacts, referrer and leads."""

    case: Referral
    notice: CaseNotice
    now: object
    due_date: date | None
    key: str

    def contacts(self, label: str, action: str) -> list:
        """The notice's contacts, and the referrer. What is needed is the subgroup's work,
        so the referrer's email says what happened without it."""
        notice = self.notice
        recipients = list(recipients_for_contact_roles(*notice.contacts)) if notice.contacts else []
        context = {
            "reference": self.case.reference or "",
            "event_label": label,
            "status_label": self.case.get_status_display(),
            "link_path": reverse(notice.link) if notice.link else case_link_path(self.case),
        }
        referrer = referrer_recipient(self.case) if notice.referrer else None
        rows = []
        if referrer is not None and (action or self.due_date):
            rows += self._queue([referrer], notice.template, context)
        elif referrer is not None:
            recipients.append(referrer)
        return rows + self._queue(recipients, notice.template, self._with_action(context, action))

    def leads(self, agencies, label: str) -> list:
        """The safeguarding leads of these agencies, each with their agency's name.

        A lead sees only their own agency's referrals, so the link goes to the case only
        when they can open it (or to the notice's link), and to their home page otherwise.
        """
        link = self.notice.leads_link or self.notice.link
        rows = []
        for lead in agency_leads(agencies).select_related("agency"):
            if link:
                path = reverse(link)
            elif Referral.objects.visible_to(lead).filter(pk=self.case.pk).exists():
                path = case_link_path(self.case)
            else:
                path = reverse("home")
            context = {
                "reference": self.case.reference or "",
                "event_label": label,
                "agency_name": lead.agency.name,
                "link_path": path,
            }
            context = self._with_action(context, self.notice.leads_action)
            rows += self._queue([recipient_for_user(lead)], self.notice.leads_template, context)
        return rows

    def _with_action(self, context: dict, action: str) -> dict:
        if action:
            context = {**context, "action_label": action}
        if self.due_date:
            context = {**context, "due_date": long_date(self.due_date)}
        return context

    def _queue(self, recipients, template: str, context: dict) -> list:
        return notification_queue(
            event=self.notice.event,
            event_key=f"{self.notice.event}:{self.case.pk}{self.key}",
            case_reference=self.case.reference or "",
            recipients=recipients,
            template=template,
            context=context,
            now=self.now,
        )


# --- the notices of the case's first steps ---

DECISION = CaseNotice(
    "case-decided",
    "subgroup decision: {outcome}",
    contacts=WITH_QA,
    action="start the rapid review",
    leads_label="the subgroup will hold a rapid review",
    leads_action="be ready to give your agency’s information to the rapid review, which starts",
)
WITHDRAWN = CaseNotice("case-withdrawn", "the referral has been withdrawn")
DUPLICATE = CaseNotice("case-duplicate", "linked to case {main} as a duplicate referral")
