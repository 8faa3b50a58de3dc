"""Who is told of each event from the rapid review onwards, as data (referrals.services
.notify.CaseNotice): the services name the notice; case_tell queues its emails."""

from cspr.notifications.models import ContactRole
from referrals.services import WITH_QA, CaseNotice

C = ContactRole
# The local authority's directors hear of a local review and of a publication.
WITH_DIRECTORS = (C.COORDINATOR, C.SUBGROUP_CHAIR, C.LA_DIRECTOR, C.LA_ASSISTANT_DIRECTOR)

RAPID_REVIEW_STARTED = CaseNotice(
    "rapid-review-started",
    "the rapid review has started",
    action="gather the organisations’ contributions and complete the rapid review",
    leads_action="give your agency’s contribution to the rapid review, which must be completed",
)
RAPID_REVIEW_COMPLETED = CaseNotice(
    "rapid-review-completed",
    "the rapid review has been completed",
    contacts=WITH_QA,
    action="send the rapid review and the decision on a local or national review to the National Panel",
)
SENT_TO_PANEL = CaseNotice(
    "sent-to-panel", "the rapid review has been sent to the National Panel", contacts=WITH_QA
)
LOCAL_REVIEW_COMMISSIONED = CaseNotice(
    "local-review-commissioned",
    "a local child safeguarding practice review has been commissioned",
    contacts=(C.LA_SERVICE_LEADER_QA, *WITH_DIRECTORS),
    action="the quality assurance service leader to inform the National Panel, Ofsted and DfE, with "
    "the reviewer’s name",
)
NATIONAL_REVIEW = CaseNotice(
    "national-review", "the National Panel will lead a national review", contacts=WITH_QA
)
NO_FURTHER_REVIEW = CaseNotice("no-further-review", "there will be no further review")
LOCAL_REVIEW_STARTED = CaseNotice("local-review-started", "the local review has started")
FINAL_REPORT_RECEIVED = CaseNotice(
    "final-report-received",
    "the local review’s final report has been received",
    contacts=WITH_QA,
    referrer=False,
    action="plan the publication and send the report to the National Panel and the Secretary of State",
)
RECOMMENDATION_ADDED = CaseNotice(
    "recommendation-added",
    "recommendation {number} of the local review",
    contacts=(C.COORDINATOR,),
    referrer=False,
    action="the agencies it names record their progress until it is done",
    template="case_recommendation",
    leads_action="record your agency’s progress on it until it is done",
    leads_template="case_recommendation",
    link="rapidreview:recommendations",
)
RECOMMENDATION_DONE = CaseNotice(
    "recommendation-done",
    "recommendation {number} is done",
    contacts=(C.COORDINATOR, C.SUBGROUP_CHAIR),
    referrer=False,
)
PUBLICATION_PLANNED = CaseNotice(
    "publication-planned",
    "publication planned for {day}",
    contacts=(C.LA_SERVICE_LEADER_QA, C.COORDINATOR, C.SUBGROUP_CHAIR),
    referrer=False,
    action="send the final report to the National Panel and the Secretary of State",
)
# Agencies with recommendations keep reporting progress after publication.
PUBLISHED = CaseNotice(
    "published",
    "{what}",
    contacts=WITH_DIRECTORS,
    leads_action="record your agency’s progress on its recommendations until each is done",
    leads_template="case_recommendation",
    leads_link="rapidreview:recommendations",
)
CLOSED = CaseNotice("case-closed", "the case has been closed")
