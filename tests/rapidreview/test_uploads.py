"""The final report upload: PDF or DOCX by content, size-limited, the name cleaned, stored
outside the web root under a generated name, and served only by the audited view."""

import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cspr.audit.models import AuditEvent
from rapidreview.models import FinalReport
from rapidreview.services import case_receive_final_report as final_report_receive
from rapidreview.uploads import DOCX, PDF, check_upload, sanitise_filename
from referrals.lifecycle.kernel import CaseActionError
from referrals.lifecycle.states import CaseStatus
from referrals.models import CaseTransition

from .helpers import case_in, docx_bytes, pdf_bytes, today

S = CaseStatus


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def message_of(file) -> str:
    with pytest.raises(ValidationError) as error:
        check_upload(file)
    return error.value.messages[0]


# --- content and type -----------------------------------------------------------------


def test_pdf_and_docx_are_accepted_by_their_content():
    assert check_upload(upload("report.pdf", pdf_bytes())).kind == PDF
    assert check_upload(upload("Report.DOCX", docx_bytes())).kind == DOCX


@pytest.mark.parametrize("name", ["report.exe", "report.txt", "report.doc", "report", "report.pdf.exe"])
def test_wrong_type_is_refused(name):
    assert (
        message_of(upload(name, pdf_bytes())) == "The selected file must be a PDF or a Word document (.docx)"
    )


def test_pdf_content_named_docx_is_refused():
    assert message_of(upload("report.docx", pdf_bytes())) == (
        "The selected file is named .docx but its content is a PDF file. Check you chose the right file"
    )


def test_docx_content_named_pdf_is_refused():
    assert message_of(upload("report.pdf", docx_bytes())) == (
        "The selected file is named .pdf but its content is a DOCX file. Check you chose the right file"
    )


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00 an executable pretending",
        b"<html><script>alert(1)</script></html>",
        b"PK\x03\x04 not really a zip",
    ],
    ids=["executable", "html", "broken-zip"],
)
def test_content_that_is_neither_pdf_nor_docx_is_refused(content):
    message = message_of(upload("report.pdf", content))
    assert message.startswith("The selected file is not a valid PDF or Word document (.docx)")


def test_zip_that_is_not_a_word_document_is_refused():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    assert message_of(upload("report.docx", buffer.getvalue())).startswith("The selected file is not a valid")


def test_word_document_with_macros_is_refused():
    macro = docx_bytes(extra={"word/vbaProject.bin": b"\x00macro"})
    assert message_of(upload("report.docx", macro)).startswith("The selected file is not a valid")


def test_too_large_is_refused(settings):
    settings.CASE_DOCUMENT_MAX_MB = 1
    big = pdf_bytes() + b"0" * (1024 * 1024)
    assert message_of(upload("report.pdf", big)) == "The selected file must be smaller than 1.0\xa0MB"


def test_empty_file_is_refused():
    assert message_of(upload("report.pdf", b"")) == "The selected file is empty"


# --- the file's name ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\system32\\report.pdf", "report.pdf"),
        ("C:\\Users\\sam\\Final report v2.docx", "Final report v2.docx"),
        ("/var/www/static/report.pdf", "report.pdf"),
        ("report\x00.pdf.exe", "report_.pdf.exe"),
        ("rapport \u00e9t\u00e9.pdf", "rapport ete.pdf"),
        ("<script>.pdf", "script_.pdf"),
        ("....pdf", "pdf"),
        ("", "report"),
        ("../", "report"),
    ],
)
def test_filename_is_reduced_to_a_safe_last_segment(given, kept):
    assert sanitise_filename(given) == kept


def test_long_filename_keeps_its_extension():
    name = sanitise_filename("a" * 300 + ".docx")
    assert len(name) == 120
    assert name.endswith(".docx")


def test_path_tricks_cannot_choose_where_the_file_is_stored(chair, practitioner, contacts):
    case = case_in(S.LCSPR_IN_PROGRESS, author=practitioner, by=chair)
    tricky = upload("../../../../static/evil.pdf", pdf_bytes(), "application/pdf")

    report = final_report_receive(
        referral=case, upload=tricky, received_on=today(), token=uuid.uuid4(), by=chair
    )

    stored = Path(report.file.path).resolve()
    media = Path(settings.MEDIA_ROOT).resolve()
    assert media in stored.parents
    assert stored.parent.name == str(case.pk)
    assert "evil" not in stored.name and stored.suffix == ".pdf"
    assert report.original_name == "evil.pdf"
    assert stored.read_bytes() == pdf_bytes()


def test_media_root_is_outside_the_web_root():
    media = Path(settings.MEDIA_ROOT).resolve()
    for served in [Path(settings.STATIC_ROOT), *map(Path, settings.STATICFILES_DIRS)]:
        assert served.resolve() not in [media, *media.parents]
    assert not settings.MEDIA_URL or settings.MEDIA_URL == "/"


# --- through the service and the screens -----------------------------------------------


def test_refused_upload_writes_nothing_and_keeps_the_case(chair, practitioner, contacts):
    case = case_in(S.LCSPR_IN_PROGRESS, author=practitioner, by=chair)

    with pytest.raises(CaseActionError) as error:
        final_report_receive(
            referral=case,
            upload=upload("report.pdf", b"not a pdf"),
            received_on=today(),
            token=uuid.uuid4(),
            by=chair,
        )

    assert set(error.value.problems) == {"upload"}
    case.refresh_from_db()
    assert case.status == S.LCSPR_IN_PROGRESS
    assert not FinalReport.objects.exists()
    assert not any(Path(settings.MEDIA_ROOT).rglob("*.pdf"))
    assert not CaseTransition.objects.filter(referral=case, name="receive_final_report").exists()


def test_upload_page_shows_the_problem_next_to_the_file_field(chair, practitioner, contacts, client):
    case = case_in(S.LCSPR_IN_PROGRESS, author=practitioner, by=chair)
    client.force_login(chair)

    response = client.post(
        reverse("rapidreview:case_action", args=[case.pk, "receive-final-report"]),
        {
            "upload": upload("report.docx", pdf_bytes()),
            "received_on_0": str(today().day),
            "received_on_1": str(today().month),
            "received_on_2": str(today().year),
            "token": str(uuid.uuid4()),
        },
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "The selected file is named .docx but its content is a PDF file" in page
    assert 'enctype="multipart/form-data"' in page
    assert not FinalReport.objects.exists()


def test_oversized_upload_is_stopped_while_it_arrives_and_the_date_is_kept(
    chair, practitioner, contacts, client, settings, monkeypatch
):
    from django.core.files.uploadhandler import TemporaryFileUploadHandler

    settings.CASE_DOCUMENT_MAX_MB = 1
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024  # the rest would go to a temporary file
    written = []
    original = TemporaryFileUploadHandler.receive_data_chunk

    def counting(self, raw_data, start):
        written.append(len(raw_data))
        return original(self, raw_data, start)

    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", counting)
    case = case_in(S.LCSPR_IN_PROGRESS, author=practitioner, by=chair)
    client.force_login(chair)
    big = pdf_bytes() + b"0" * (3 * 1024 * 1024)

    response = client.post(
        reverse("rapidreview:case_action", args=[case.pk, "receive-final-report"]),
        {
            "upload": upload("report.pdf", big, "application/pdf"),
            "received_on_0": str(today().day),
            "received_on_1": str(today().month),
            "received_on_2": str(today().year),
            "token": str(uuid.uuid4()),
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "The selected file must be smaller than 1.0\xa0MB" in page
    assert f'name="received_on_2" value="{today().year}"' in page
    assert 0 < sum(written) <= 1024 * 1024  # never more than the limit was written
    assert not FinalReport.objects.exists()


def test_action_pages_refuse_a_post_without_the_csrf_token(chair, practitioner, contacts):
    from django.test import Client

    case = case_in(S.LCSPR_COMMISSIONED, author=practitioner, by=chair)
    client = Client(enforce_csrf_checks=True)
    client.force_login(chair)

    response = client.post(
        reverse("rapidreview:case_action", args=[case.pk, "start-local-review"]),
        {
            "started_on_0": str(today().day),
            "started_on_1": str(today().month),
            "started_on_2": str(today().year),
            "methodology": "Systems review",
        },
    )

    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == S.LCSPR_COMMISSIONED


def test_download_sends_the_file_and_records_who_downloaded_it(chair, practitioner, contacts, client):
    case = case_in(S.LCSPR_IN_PROGRESS, author=practitioner, by=chair)
    report = final_report_receive(
        referral=case,
        upload=upload("C:\\reports\\Final report.pdf", pdf_bytes(), "application/pdf"),
        received_on=today(),
        token=uuid.uuid4(),
        by=chair,
    )
    client.force_login(chair)

    response = client.get(reverse("rapidreview:report_download", args=[report.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    # The uploader's file name (often the child's name) is not passed on.
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="{case.reference}-final-report-{report.pk}.pdf"'
    )
    # Neither the browser nor a proxy keeps a copy.
    assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}
    assert response["X-Content-Type-Options"] == "nosniff"
    events = AuditEvent.objects.for_object(case).filter(action="case.final_report_downloaded")
    assert [(e.actor, e.summary) for e in events] == [(chair, f"Final report version {report.pk} downloaded")]


def test_stored_file_is_not_reachable_by_its_path(chair, practitioner, contacts, client):
    case = case_in(S.FINAL_REPORT_RECEIVED, author=practitioner, by=chair)
    report = FinalReport.objects.get(referral=case)
    client.force_login(chair)

    for guess in (f"/{report.file.name}", f"/media/{report.file.name}", f"/static/{report.file.name}"):
        assert client.get(guess).status_code == 404


def test_stored_file_is_removed_when_the_move_then_fails(chair, practitioner, contacts, monkeypatch):
    from referrals.lifecycle import kernel

    case = case_in(S.LCSPR_IN_PROGRESS, author=practitioner, by=chair)

    def fail(*args, **kwargs):
        raise CaseActionError("Someone else changed this case while you were working on it")

    monkeypatch.setattr(kernel, "case_move", fail)
    with pytest.raises(CaseActionError):
        final_report_receive(
            referral=case,
            upload=upload("report.pdf", pdf_bytes()),
            received_on=today(),
            token=uuid.uuid4(),
            by=chair,
        )

    assert not FinalReport.objects.exists()
    assert not [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
