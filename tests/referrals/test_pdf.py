"""The submitted referral's PDF: every answer of Appendix 2 is in it, and nothing is fetched."""

import re
from datetime import date, datetime, time

import pytest
from django.urls import reverse

from cspr.accounts.roles import Role
from referrals.models import ProcessKind
from referrals.pdf import _no_fetch, referral_pdf, referral_pdf_html
from referrals.selectors import referral_answers

from .factories import (
    CHILD_ADDRESS,
    CHILD_NAME,
    FAMILY_NAME,
    LONDON,
    SUMMARY,
    FamilyMemberFactory,
    InvolvedAgencyFactory,
    OtherProcessFactory,
    ReferralFactory,
)

pytestmark = pytest.mark.django_db

SUBMITTED_AT = datetime.combine(date(2026, 3, 3), time(10, 15), tzinfo=LONDON)


@pytest.fixture
def referral(make_user):
    author = make_user(Role.PRACTITIONER, first_name="Pat", last_name="Practitioner", email="pat@example.org")
    referral = ReferralFactory(
        created_by=author,
        submitted=True,
        reference="CSPR-2026-0007",
        submitted_at=SUBMITTED_AT,
        disagreement_about_referral=True,
        assistant_director_decision="Assistant Director agreed to refer on 2 March",
        child_ethnic_origin="other",
        child_ethnic_origin_other="Roma",
        child_disability="Hearing impairment",
        seriously_harmed=True,
        harm_description="Fractured skull",
        looked_after_death=True,
        detained_death=True,
    )
    FamilyMemberFactory(referral=referral, position=1)
    FamilyMemberFactory(
        referral=referral, position=2, name="Second Relative", relationship="Grandmother", ethnic_origin=""
    )
    InvolvedAgencyFactory(referral=referral, still_involved=False)
    OtherProcessFactory(referral=referral, position=1)
    OtherProcessFactory(
        referral=referral,
        position=2,
        process=ProcessKind.OTHER,
        process_other="Domestic homicide review",
        current_status="Scoping",
    )
    return referral


def test_pdf_document_has_every_answer(referral):
    html = referral_pdf_html(referral, sections=referral_answers(referral), downloaded_by="Chris Chair")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))

    expected = [
        "CSPR-2026-0007",
        "OFFICIAL-SENSITIVE",
        # 1. Referrer, with the date submitted, and the practitioner's own steps
        "Pat Practitioner",
        "pat@example.org",
        "Social worker",
        "01632 960 001",
        "North Somerset Council",
        "Date submitted 3 March 2026 at 10:15",
        "2 March 2026 at 09:30",
        "Robin Example",
        "Team manager",
        "Assistant Director agreed to refer on 2 March",
        # 2. Child
        CHILD_NAME,
        "14 June 2019",
        CHILD_ADDRESS,
        "Marguerite Fernsby-Quill (mother)",
        "1 March 2026",
        "Family home",
        "Other ethnic group: Roma",
        "Hearing impairment",
        "Has been",
        # 3. Family, every row
        "Family member 1",
        FAMILY_NAME,
        "Stepfather",
        "20 January 1990",
        "White: British",
        "Family member 2",
        "Second Relative",
        "Grandmother",
        # 4. Criteria and Appendix 3
        "Fractured skull",
        "Suspected",
        "Death of a looked-after child",
        "Death of a child detained under mental health or mental capacity grounds",
        "the local authority must notify the Secretary of State and Ofsted",
        # 5. Summary
        SUMMARY,
        # 6. Other agencies and processes
        "Jordan Example",
        "Exampleton Primary School",
        "jordan.example@example.org",
        "Coroner’s inquest",
        "Inquest opened and adjourned",
        "Domestic homicide review",
        "Scoping",
        # Who downloaded it
        "for Chris Chair",
    ]
    missing = [value for value in expected if value not in text]
    assert missing == []
    assert "Referrer’s name Pat Practitioner" in text
    assert "Your name" not in text
    assert [title for title in re.findall(r"<h2>([^<]+)</h2>", html)] == [
        "1. Referrer and their steps",
        "2. Child",
        "3. Family and significant others",
        "4. Rapid review criteria",
        "5. Summary of events",
        "6. Other agencies and processes",
    ]


def test_pdf_is_a_pdf(referral):
    content = referral_pdf(referral, sections=referral_answers(referral))

    assert content.startswith(b"%PDF-")
    assert len(content) > 10_000


def test_pdf_never_fetches_anything():
    with pytest.raises(ValueError, match="External resource not allowed"):
        _no_fetch("https://example.org/tracker.png")


def test_pdf_download_names_only_the_reference(client, referral, make_user):
    client.force_login(make_user(Role.COORDINATOR))

    response = client.get(reverse("referrals:pdf", args=[referral.pk]))

    assert response["Content-Disposition"] == 'attachment; filename="CSPR-2026-0007.pdf"'
    assert response["Cache-Control"] == "no-store"
