"""Seed the rulebook from the statutory and local timescales (TIMELINE.md), one rule per
row, and the calendar's version row. Administrators edit the rules afterwards."""

from django.db import migrations

LA_SOURCE = "Children Act 2004 s16C(1) (as amended by the Children and Social Work Act 2017); NSSCP procedure §5; Working Together"

RULES = [
    {
        "code": "refer_to_partnership",
        "order": 1,
        "label": "Refer the case to the partnership",
        "opened_by": "referral_submitted",
        "anchor": "practitioner_aware",
        "anchor_label": "the practitioner becoming aware of the incident",
        "length": 1,
        "met_on_opening": True,
        "responsible": "Referring practitioner, after agreement with their manager",
        "remind_days_before": "",
        "remind_on_due_day": False,
        "remind_referrer": True,
        "remind_user_roles": [],
        "remind_contact_roles": [],
        "escalate_contact_roles": [],
        "repeat_overdue": False,
        "source": "NSSCP procedure §8.3–8.4: refer immediately, within one working day of being aware that the incident took place, and inform the LA Assistant Director and Director, the police major statutory crime review team and the health safeguarding team.",
    },
    {
        "code": "notify_national_panel",
        "order": 2,
        "label": "Notify the National Panel (serious incident notification)",
        "opened_by": "referral_submitted",
        "anchor": "la_aware",
        "anchor_label": "the local authority becoming aware of the incident",
        "length": 5,
        "responsible": "Local authority",
        "remind_days_before": "2,1",
        "remind_user_roles": ["coordinator"],
        "remind_contact_roles": ["la_service_leader_qa", "coordinator"],
        "escalate_contact_roles": ["la_assistant_director"],
        "repeat_overdue": True,
        "source": LA_SOURCE
        + ": notify the Child Safeguarding Practice Review Panel within five working days of becoming aware of the incident.",
    },
    {
        "code": "report_to_partners",
        "order": 3,
        "label": "Report the incident to the safeguarding partners",
        "opened_by": "referral_submitted",
        "anchor": "la_aware",
        "anchor_label": "the local authority becoming aware of the incident",
        "length": 5,
        "responsible": "Local authority",
        "remind_days_before": "2,1",
        "remind_user_roles": ["coordinator"],
        "remind_contact_roles": ["la_service_leader_qa", "coordinator"],
        "escalate_contact_roles": ["la_assistant_director"],
        "repeat_overdue": True,
        "source": "NSSCP procedure §5: report the event to the safeguarding partners in the area (and in other areas if appropriate) within five working days.",
    },
    {
        "code": "notify_sos_ofsted",
        "order": 4,
        "label": "Notify the Secretary of State and Ofsted of the death of a looked-after child",
        "opened_by": "referral_submitted",
        "anchor": "la_aware",
        "anchor_label": "the local authority becoming aware of the incident",
        "length": 5,
        "looked_after_death_only": True,
        "responsible": "Local authority",
        "remind_days_before": "2,1",
        "remind_user_roles": ["coordinator"],
        "remind_contact_roles": ["la_service_leader_qa", "coordinator"],
        "escalate_contact_roles": ["la_assistant_director", "la_director"],
        "repeat_overdue": True,
        "source": "NSSCP procedure §5 and Appendix 3: the local authority must notify the Secretary of State and Ofsted where a looked-after child has died, whether or not abuse or neglect is known or suspected (with the notification: five working days).",
    },
    {
        "code": "subgroup_decision",
        "order": 5,
        "label": "Subgroup decides whether to hold a rapid review, and with which organisations",
        "opened_by": "referral_submitted",
        "anchor": "incident",
        "anchor_label": "the incident",
        "length": 5,
        "responsible": "CSPR subgroup chair",
        "remind_days_before": "2,1",
        "remind_user_roles": ["chair", "coordinator"],
        "remind_contact_roles": ["subgroup_chair"],
        "escalate_contact_roles": ["la_service_leader_qa"],
        "repeat_overdue": True,
        "source": "NSSCP procedure §9: the subgroup establishes whether to carry out a rapid review, and with which organisations, within five working days of the incident.",
    },
    {
        "code": "rapid_review_start",
        "order": 6,
        "label": "Start the rapid review",
        "opened_by": "rapid_review_decided",
        "anchor": "event",
        "anchor_label": "the decision to hold a rapid review",
        "length": 5,
        "responsible": "CSPR subgroup",
        "remind_days_before": "1",
        "remind_user_roles": ["chair", "coordinator"],
        "remind_contact_roles": ["subgroup_chair"],
        "escalate_contact_roles": ["la_service_leader_qa"],
        "repeat_overdue": True,
        "source": "NSSCP procedure §9: rapid reviews should be started within 5 working days of the decision to undertake one.",
    },
    {
        "code": "rapid_review_complete",
        "order": 7,
        "label": "Complete the rapid review",
        "opened_by": "rapid_review_started",
        "anchor": "event",
        "anchor_label": "the start of the rapid review",
        "length": 15,
        "responsible": "CSPR subgroup",
        "remind_days_before": "5,1",
        "remind_user_roles": ["chair", "coordinator"],
        "remind_contact_roles": ["subgroup_chair"],
        "escalate_contact_roles": ["la_service_leader_qa"],
        "repeat_overdue": True,
        "source": "NSSCP procedure §9: once started, the rapid review must be completed within 15 working days. (Working Together counts 15 working days from the partners becoming aware; the procedure counts from the start.)",
    },
    {
        "code": "send_rapid_review_to_panel",
        "order": 8,
        "label": "Send the rapid review, and the decision on a local or national review, to the National Panel",
        "opened_by": "rapid_review_completed",
        "anchor": "event",
        "anchor_label": "the completion of the rapid review",
        "length": 1,
        "is_target": True,
        "responsible": "Safeguarding partners",
        "remind_days_before": "",
        "remind_user_roles": ["coordinator"],
        "remind_contact_roles": ["coordinator"],
        "escalate_contact_roles": ["la_service_leader_qa"],
        "repeat_overdue": True,
        "source": "NSSCP procedure §9: as soon as the rapid review is complete, the safeguarding partners send a copy to the National Panel with their decision on a local or national review.",
    },
    {
        "code": "inform_panel_ofsted_dfe",
        "order": 9,
        "label": "Inform the National Panel, Ofsted and DfE that a local review will be held, with the reviewer’s name",
        "opened_by": "local_review_decided",
        "anchor": "event",
        "anchor_label": "the decision to hold a local review",
        "length": 1,
        "is_target": True,
        "responsible": "LA service leader, strategic safeguarding and quality assurance",
        "remind_days_before": "",
        "remind_user_roles": ["coordinator"],
        "remind_contact_roles": ["la_service_leader_qa"],
        "escalate_contact_roles": ["la_assistant_director"],
        "repeat_overdue": True,
        "source": "NSSCP procedure §9: as soon as it is determined that a local review will be carried out, the local authority service leader for quality assurance informs the Panel, Ofsted and DfE, including the name of any reviewer commissioned.",
    },
    {
        "code": "complete_local_review",
        "order": 10,
        "label": "Complete the local review (final report)",
        "opened_by": "local_review_decided",
        "anchor": "event",
        "anchor_label": "the decision to hold a local review",
        "length": 6,
        "unit": "calendar_months",
        "responsible": "Reviewer and CSPR subgroup",
        "remind_days_before": "20,5",
        "remind_user_roles": ["chair", "coordinator"],
        "remind_contact_roles": ["subgroup_chair"],
        "escalate_contact_roles": ["la_service_leader_qa"],
        "repeat_overdue": False,
        "source": "Working Together to Safeguard Children 2018, chapter 4: local reviews should be completed and a final report published within six months of the decision to hold one.",
    },
    {
        "code": "final_report_to_panel_sos",
        "order": 11,
        "label": "Send the final report to the National Panel and the Secretary of State",
        "opened_by": "publication_planned",
        "anchor": "event",
        "anchor_label": "the planned publication date",
        "length": -7,
        "responsible": "Safeguarding partners",
        "remind_days_before": "3,1",
        "remind_user_roles": ["coordinator"],
        "remind_contact_roles": ["coordinator"],
        "escalate_contact_roles": ["la_service_leader_qa"],
        "repeat_overdue": True,
        "source": "Working Together to Safeguard Children 2018, chapter 4: send the final report to the Panel and the Secretary of State at least seven working days before publication.",
    },
]


def seed(apps, schema_editor):
    DeadlineRule = apps.get_model("deadlines", "DeadlineRule")
    CalendarVersion = apps.get_model("deadlines", "CalendarVersion")
    for row in RULES:
        values = {"unit": "working_days", **row}
        code = values.pop("code")
        DeadlineRule.objects.update_or_create(code=code, defaults=values)
    CalendarVersion.objects.get_or_create(pk=1, defaults={"version": 0})


def unseed(apps, schema_editor):
    DeadlineRule = apps.get_model("deadlines", "DeadlineRule")
    DeadlineRule.objects.filter(code__in=[row["code"] for row in RULES], deadlines__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("deadlines", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
