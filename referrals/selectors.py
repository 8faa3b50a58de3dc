"""Reads for the referral screens: one query shape per screen, always through visible_to."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django import forms
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from cspr.accounts.roles import Role
from cspr.forms import anchor_for
from deadlines.models import Deadline, DeadlineRule
from deadlines.services import deadline_compute

from .forms import ALWAYS_REFER, ROW_FORMS, SECTION_FORMS
from .lifecycle.states import CaseStatus
from .models import SECTIONS, Referral
from .permissions import can_list_referrals, can_see_all_referrals

# Model fields shown through a differently named form field.
FORM_FIELD_FOR = {"aware_at": "aware_on", **{name: "always_refer" for name, _label in ALWAYS_REFER}}
# Answers shown only when the question they depend on was answered yes.
HIDDEN_UNLESS = {
    "assistant_director_decision": "disagreement_about_referral",
    "harm_description": "seriously_harmed",
}
LABELS = {
    "assistant_director_decision": "Assistant Director’s decision",
    "harm_description": "Description of the serious harm",
}
ALWAYS_REFER_LABEL = "Deaths that must always be referred"
# The form speaks to the practitioner filling it in; the case page and the PDF are read by
# others, so there the referrer is named in the third person, as on Appendix 2.
READER_LABELS = {
    "Your name": "Referrer’s name",
    "Your role": "Referrer’s role",
    "Your agency": "Referrer’s agency",
    "Your email address": "Referrer’s email address",
    "Your telephone number": "Referrer’s telephone number",
    "Date and time you became aware": "Date and time the referrer became aware",
}
READER_TITLES = {"referrer": "Referrer and their steps"}


def referral_get(user, pk) -> Referral:
    """A referral this user may see, or 404: the one way views fetch a referral."""
    queryset = Referral.objects.visible_to(user).select_related("agency", "created_by")
    return get_object_or_404(queryset, pk=pk)


def referrals_of_author(user):
    return (
        Referral.objects.visible_to(user)
        .filter(created_by=user)
        .select_related("agency")
        .order_by("-updated_at", "-id")
    )


def referrals_for_list(user, *, status: str = "", reference: str = ""):
    """Submitted referrals this user may see (an agency lead's agency, or all for the
    partnership and administrators), newest first, optionally filtered."""
    queryset = Referral.objects.visible_to(user).submitted().select_related("agency", "created_by")
    if status:
        queryset = queryset.filter(status=status)
    if reference:
        queryset = queryset.filter(reference__icontains=reference.strip())
    return queryset.order_by("-submitted_at", "-id")


def referral_home_summary(user) -> dict:
    """What the home page says about referrals, by role."""
    summary = {"is_practitioner": user.has_role(Role.PRACTITIONER), "can_list": can_list_referrals(user)}
    if summary["is_practitioner"]:
        own = Referral.objects.filter(created_by=user).aggregate(
            drafts=Count("pk", filter=Q(status=CaseStatus.DRAFT)),
            submitted=Count("pk", filter=Q(submitted_at__isnull=False)),
        )
        summary.update(own)
    if summary["can_list"]:
        listed = Referral.objects.visible_to(user).submitted()
        summary["listed"] = listed.count()
        summary["awaiting_decision"] = listed.awaiting_decision().count()
        summary["sees_all"] = can_see_all_referrals(user)
    return summary


@dataclass(frozen=True)
class ReferBy:
    """When a draft must reach the partnership, and whether that has passed."""

    due_date: date
    span: str
    late: bool


def referral_refer_by(referral, *, today) -> ReferBy | None:
    """The day a draft must be submitted by, as the rulebook's "refer to the partnership"
    rule counts it from when the practitioner became aware (procedure §8.4)."""
    if referral.aware_at is None:
        return None
    rule = DeadlineRule.objects.filter(code="refer_to_partnership", active=True).first()
    if rule is None:
        return None
    due = deadline_compute(rule, timezone.localdate(referral.aware_at))
    return ReferBy(due_date=due.due_date, span=rule.span_text, late=due.due_date < today)


# --- answers, as the check-answers page, the case page and the PDF show them ---


@dataclass
class Answer:
    label: str
    value: str
    anchor: str = ""


@dataclass
class AnswerCard:
    title: str
    rows: list[Answer]


@dataclass
class SectionAnswers:
    slug: str
    title: str
    rows: list[Answer] = field(default_factory=list)
    cards: list[AnswerCard] = field(default_factory=list)
    empty_text: str = ""
    status: str = ""


def _display(value) -> str:
    if value is None or value == "":
        return ""
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if hasattr(value, "hour"):
        local = timezone.localtime(value)
        return f"{local.day} {local:%B %Y} at {local:%H:%M}"
    if hasattr(value, "day"):
        return f"{value.day} {value:%B %Y}"
    return str(value)


def _label(form_field) -> str:
    return str(form_field.label).removesuffix(" (optional)")


def _section_rows(referral, slug: str) -> list[Answer]:
    form_class = SECTION_FORMS[slug]
    rows = []
    form = form_class(referral=referral)
    for name, form_field in form.fields.items():
        bound = form[name]
        if name in ("aware_time", "child_ethnic_origin_other"):
            continue
        if name == "aware_on":
            rows.append(
                Answer("Date and time you became aware", _display(referral.aware_at), anchor_for(bound))
            )
        elif name == "agency":
            rows.append(Answer("Your agency", referral.agency.name, anchor_for(bound)))
        elif name == "always_refer":
            chosen = [label for field_name, label in ALWAYS_REFER if getattr(referral, field_name)]
            rows.append(Answer(ALWAYS_REFER_LABEL, "\n".join(chosen) or "None", anchor_for(bound)))
        elif name == "child_ethnic_origin":
            rows.append(Answer(_label(form_field), referral.child_ethnic_origin_label, anchor_for(bound)))
        elif name in HIDDEN_UNLESS and not getattr(referral, HIDDEN_UNLESS[name]):
            continue
        else:
            value = getattr(referral, name)
            shown = _display(value)
            if isinstance(form_field, forms.TypedChoiceField) and value not in (True, False, None):
                shown = dict(form_field.choices).get(value, shown)
            rows.append(Answer(LABELS.get(name, _label(form_field)), str(shown), anchor_for(bound)))
        if name == "referrer_telephone" and referral.submitted_at:
            # Appendix 2 puts the date submitted with the referrer's details.
            rows.append(Answer("Date submitted", _display(referral.submitted_at)))
    return rows


def _row_answers(kind: str, row, index: int) -> list[Answer]:
    form = ROW_FORMS[kind](prefix=f"{kind}-{index}")
    answers = []
    for name, form_field in form.fields.items():
        if name in ("ethnic_origin_other", "process_other"):
            continue
        if name == "ethnic_origin":
            value = row.ethnic_origin_label
        elif name == "process":
            value = row.process_label
        else:
            value = _display(getattr(row, name))
        answers.append(Answer(_label(form_field), value, anchor_for(form[name])))
    return answers


def referral_answers(referral, *, today=None, for_author: bool = False) -> list[SectionAnswers]:
    """Every answer on the form, section by section, with the anchor of its form field.

    `for_author` keeps the form's own words ("Your name") for the practitioner checking
    their answers; otherwise the referrer is named in the third person.
    """
    today = today or timezone.localdate()
    sections = []
    for section in SECTIONS:
        title = section.title if for_author else READER_TITLES.get(section.slug, section.title)
        answers = SectionAnswers(section.slug, title)
        if referral.is_draft:
            answers.status = referral.section_status(section.slug, today=today)
        if section.slug in SECTION_FORMS:
            answers.rows = _section_rows(referral, section.slug)
            if not for_author:
                for answer in answers.rows:
                    answer.label = READER_LABELS.get(answer.label, answer.label)
        elif section.slug == "family":
            answers.cards = [
                AnswerCard(f"Family member {i}", _row_answers("family", row, i - 1))
                for i, row in enumerate(referral.family_members.all(), 1)
            ]
            answers.empty_text = "No family members or significant others added."
        else:
            answers.cards = [
                AnswerCard(f"Agency {i}", _row_answers("agency", row, i - 1))
                for i, row in enumerate(referral.involved_agencies.all(), 1)
            ] + [
                AnswerCard(f"Process {i}", _row_answers("process", row, i - 1))
                for i, row in enumerate(referral.other_processes.all(), 1)
            ]
            answers.empty_text = "No other agencies or processes added."
        sections.append(answers)
    return sections


def edit_url(referral, section: str, anchor: str = "", *, from_check: bool = False) -> str:
    url = reverse("referrals:edit", args=[referral.pk, section])
    if from_check:
        url += "?next=check"
    return f"{url}#{anchor}" if anchor else url


def problem_anchor(problem) -> str:
    """The id of the form field where a submission problem is put right."""
    if problem.row is not None:
        kind, _, name = problem.field.partition("-")
        form = ROW_FORMS[kind](prefix=f"{kind}-{problem.row - 1}")
        return anchor_for(form[name]) if name in form.fields else ""
    form = SECTION_FORMS[problem.section](referral=Referral())
    name = FORM_FIELD_FOR.get(problem.field, problem.field)
    return anchor_for(form[name]) if name in form.fields else ""


# --- the chair's triage queue ---


def triage_queue(user):
    """Submitted referrals awaiting the subgroup decision, the most urgent deadline first.

    A referral without a "subgroup decision" deadline (rule made inactive) comes last,
    oldest submission first.
    """
    deadline = Deadline.objects.filter(referral=OuterRef("pk"), rule__code="subgroup_decision")
    return (
        Referral.objects.visible_to(user)
        .awaiting_decision()
        .select_related("agency")
        .annotate(
            decision_due_at=Subquery(deadline.values("due_at")[:1]),
            decision_due_date=Subquery(deadline.values("due_date")[:1]),
        )
        .order_by(F("decision_due_at").asc(nulls_last=True), "submitted_at", "pk")
    )


def possible_duplicates(queue, user) -> dict[int, list[Referral]]:
    """For each referral in the queue, the other live cases about the same child and
    incident (same date of birth and incident date), which may be the same incident
    referred by another agency. The chair or coordinator decides; this only points."""

    def key(referral):
        return (referral.child_date_of_birth, referral.incident_date)

    keys = {key(r) for r in queue if all(key(r))}
    if not keys:
        return {}
    others = (
        Referral.objects.visible_to(user)
        .exclude(status__in=CaseStatus.inactive_states)
        .filter(
            child_date_of_birth__in={born for born, _ in keys},
            incident_date__in={incident for _, incident in keys},
        )
        .only("pk", "reference", "child_date_of_birth", "incident_date")
        .order_by("submitted_at", "pk")
    )
    by_key: dict = {}
    for other in others:
        by_key.setdefault(key(other), []).append(other)
    return {r.pk: [other for other in by_key.get(key(r), []) if other.pk != r.pk] for r in queue}
