"""Checks for uploaded case documents (the LCSPR final report).

A report is accepted only as PDF or DOCX, recognised by its content rather than its
name, below a size limit, and stored under a generated name in MEDIA_ROOT, which is
outside the web root. The name the person gave the file is kept, cleaned, only for the
download's Content-Disposition.
"""

import re
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.template.defaultfilters import filesizeformat

PDF = "pdf"
DOCX = "docx"
CONTENT_TYPES = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
# A DOCX holding a macro project is a .docm renamed; refusing it keeps executable
# content out of a document everyone on the subgroup opens.
DOCX_REFUSED_PARTS = ("word/vbaProject.bin",)
FILENAME_MAX_LENGTH = 120


@dataclass(frozen=True)
class CheckedUpload:
    kind: str
    original_name: str
    size: int


def max_upload_bytes() -> int:
    return settings.CASE_DOCUMENT_MAX_MB * 1024 * 1024


def too_large_message() -> str:
    return f"The selected file must be smaller than {filesizeformat(max_upload_bytes())}"


class UploadSizeLimitHandler(FileUploadHandler):
    """Stops receiving a file as soon as it passes the size limit, so an oversized upload is
    never written to disk in full. The request remembers which fields it refused, for the
    form to say so; the rest of the form is still read."""

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > max_upload_bytes():
            refused = getattr(self.request, "uploads_too_large", set())
            refused.add(self.field_name)
            self.request.uploads_too_large = refused
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


def sanitise_filename(name: str) -> str:
    """The last path segment of `name`, reduced to plain letters, digits and . _ - and spaces.

    Browsers may send a full path (old Internet Explorer sends C:\\Users\\...), and a
    crafted request can send "../" or control characters; none of that survives.
    """
    name = (name or "").replace("\\", "/").split("/")[-1]
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    name = re.sub(r"[^A-Za-z0-9._ -]+", "_", name)
    name = re.sub(r"\s+", " ", name).strip(" ._")
    name = re.sub(r"\.{2,}", ".", name)
    if not name:
        return "report"
    if len(name) > FILENAME_MAX_LENGTH:
        stem, dot, ext = name.rpartition(".")
        if dot and len(ext) <= 5:
            name = f"{stem[: FILENAME_MAX_LENGTH - len(ext) - 1]}.{ext}"
        else:
            name = name[:FILENAME_MAX_LENGTH]
    return name


def _extension(name: str) -> str:
    _stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot else ""


def detect_kind(upload) -> str | None:
    """PDF or DOCX by the file's bytes, or None. Leaves the file positioned at its start."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            upload.seek(0)
        if "word/document.xml" in names and not names.intersection(DOCX_REFUSED_PARTS):
            return DOCX
    return None


def check_upload(upload) -> CheckedUpload:
    """Validate an uploaded report; raise ValidationError with a message a person can act on."""
    if upload is None:
        raise ValidationError("Select the final report", code="required")
    size = upload.size or 0
    if size == 0:
        raise ValidationError("The selected file is empty", code="empty")
    limit = max_upload_bytes()
    if size > limit:
        raise ValidationError(too_large_message(), code="too_large")
    original_name = sanitise_filename(upload.name)
    extension = _extension(original_name)
    if extension not in (PDF, DOCX):
        raise ValidationError("The selected file must be a PDF or a Word document (.docx)", code="type")
    kind = detect_kind(upload)
    if kind is None:
        raise ValidationError(
            "The selected file is not a valid PDF or Word document (.docx). "
            "Save it again as PDF or .docx and upload that file",
            code="content",
        )
    if kind != extension:
        raise ValidationError(
            f"The selected file is named .{extension} but its content is a {kind.upper()} file. "
            "Check you chose the right file",
            code="mismatch",
        )
    return CheckedUpload(kind=kind, original_name=original_name, size=size)


def final_report_path(instance, filename) -> str:
    """Stored name: generated, never the uploader's; grouped by case id."""
    return f"final-reports/{instance.referral_id}/{uuid.uuid4().hex}.{instance.kind}"
