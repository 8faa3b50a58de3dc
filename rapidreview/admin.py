"""Review records in admin, read-only: they change only through the lifecycle's services,
which the referral's admin page offers as buttons. Opening one is audited as a read of
its case."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from referrals.lifecycle_admin import CaseRecordAdminMixin, ReadOnlyAdminMixin

from .models import (
    CaseNote,
    FinalReport,
    Involvement,
    LocalReview,
    Publication,
    RapidReview,
    Recommendation,
    RecommendationUpdate,
)


@admin.register(RapidReview)
class RapidReviewAdmin(CaseRecordAdminMixin, admin.ModelAdmin):
    list_display = ("referral", "started_on", "completed_on", "recommendation", "sent_to_panel_on")
    list_filter = ("recommendation",)
    search_fields = ("referral__reference",)


@admin.register(LocalReview)
class LocalReviewAdmin(CaseRecordAdminMixin, admin.ModelAdmin):
    list_display = ("referral", "reviewer_name", "decided_on", "informed_on", "started_on")
    search_fields = ("referral__reference", "reviewer_name")


@admin.register(Involvement)
class InvolvementAdmin(CaseRecordAdminMixin, admin.ModelAdmin):
    list_display = ("referral", "kind", "happened_on", "method")
    list_filter = ("kind", "method")
    search_fields = ("referral__reference",)


@admin.register(FinalReport)
class FinalReportAdmin(CaseRecordAdminMixin, admin.ModelAdmin):
    list_display = ("referral", "original_name", "kind", "size", "received_on", "uploaded_at")
    search_fields = ("referral__reference", "original_name")
    # The stored file is never linked directly: only the audited download view serves it.
    exclude = ("file",)
    readonly_fields = ("download",)

    @admin.display(description="file")
    def download(self, obj):
        url = reverse("rapidreview:report_download", args=[obj.pk])
        return format_html(
            '<a href="{}">Download {}</a> (recorded in the audit trail)', url, obj.original_name
        )


class RecommendationUpdateInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = RecommendationUpdate
    extra = 0
    fields = ("at", "status", "note", "by")
    readonly_fields = fields


@admin.register(Recommendation)
class RecommendationAdmin(CaseRecordAdminMixin, admin.ModelAdmin):
    list_display = ("referral", "number", "due_on", "status")
    list_filter = ("status", "agencies")
    search_fields = ("referral__reference",)
    inlines = (RecommendationUpdateInline,)


@admin.register(Publication)
class PublicationAdmin(CaseRecordAdminMixin, admin.ModelAdmin):
    list_display = ("referral", "planned_on", "sent_to_panel_sos_on", "published_on", "full_report_published")
    search_fields = ("referral__reference",)


@admin.register(CaseNote)
class CaseNoteAdmin(CaseRecordAdminMixin, admin.ModelAdmin):
    list_display = ("referral", "author", "created_at")
    search_fields = ("referral__reference",)
