"""Review records in admin, read-only: they change only through the lifecycle's services,
which the referral's admin page offers as buttons. Opening one is audited as a read of
its case."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from cspr.audit.admin_mixins import CaseRecordAdminMixin, ReadOnlyAdminMixin
from cspr.audit.services import audit_read
from cspr.forms import add_problems
from referrals.admin import ReferralAdmin
from referrals.lifecycle.kernel import CaseActionError
from referrals.models import Referral

from .actions import ACTIONS, actions_for
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
from .views import is_repeat_of_own_move, not_offered_message


class CaseLifecycleAdminMixin:
    """Adds to ReferralAdmin the lifecycle's actions as buttons."""

    change_form_template = "rapidreview/admin/referral_change_form.html"

    def get_urls(self):
        urls = [
            path(
                "<int:object_id>/lifecycle/<slug:action>/",
                self.admin_site.admin_view(self.lifecycle_action_view),
                name="referrals_referral_lifecycle",
            )
        ]
        return urls + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        obj = self.get_object(request, object_id)
        if obj is not None:
            extra_context["lifecycle_actions"] = actions_for(obj, request.user)
        return super().change_view(request, object_id, form_url, extra_context=extra_context)

    def lifecycle_action_view(self, request, object_id: int, action: str):
        """One lifecycle action from admin: the case page's form, posted to the same service."""
        spec = ACTIONS.get(action)
        case = get_object_or_404(self.model, pk=object_id)
        if spec is None or not self.has_view_permission(request, case) or not spec.may(case, request.user):
            raise PermissionDenied
        change_url = reverse("admin:referrals_referral_change", args=[case.pk])
        form_kwargs = {"case": case, "user": request.user}
        if request.method == "POST":
            form = spec.form_class(request.POST, request.FILES, **form_kwargs)
            if form.is_valid():
                try:
                    spec.run(form, case, request.user)
                except CaseActionError as error:
                    if is_repeat_of_own_move(spec, case, request.user):
                        self.message_user(request, spec.success, messages.SUCCESS)
                        return redirect(change_url)
                    add_problems(form, error.problems)
                else:
                    self.message_user(request, spec.success, messages.SUCCESS)
                    return redirect(change_url)
        else:
            if not spec.available(case, request.user):
                self.message_user(request, not_offered_message(spec, case), messages.WARNING)
                return redirect(change_url)
            form = spec.form_class(**form_kwargs)
            audit_read(request=request, obj=case, what=f"Opened ‘{spec.label}’ in administration")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": case,
            "title": f"{spec.heading}: {case.audit_label}",
            "action": spec,
            "form": form,
            "change_url": change_url,
        }
        return TemplateResponse(request, "rapidreview/admin/case_action.html", context)


# The referral's admin page gains the lifecycle's buttons here, where the actions are known.
admin.site.unregister(Referral)


@admin.register(Referral)
class CaseAdmin(CaseLifecycleAdminMixin, ReferralAdmin):
    pass


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
