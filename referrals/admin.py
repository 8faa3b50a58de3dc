from django.contrib import admin

from cspr.audit.admin_mixins import AuditedAdminMixin, CaseRecordAdminMixin, ReadOnlyAdminMixin
from cspr.audit.models import AuditAction
from cspr.audit.services import audit_read, audit_record

from .models import (
    CaseTransition,
    FamilyMember,
    InvolvedAgency,
    OtherProcess,
    ReferenceCounter,
    Referral,
    SubgroupDecision,
)


class RowInline(admin.StackedInline):
    extra = 0


class FamilyMemberInline(RowInline):
    model = FamilyMember


class InvolvedAgencyInline(RowInline):
    model = InvolvedAgency


class OtherProcessInline(RowInline):
    model = OtherProcess


class CaseTransitionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CaseTransition
    extra = 0
    fields = ("at", "from_status", "to_status", "by", "reason")
    readonly_fields = fields
    ordering = ("at", "id")
    verbose_name_plural = "transitions (the case's own log)"


@admin.register(Referral)
class ReferralAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """The referral in admin. The lifecycle's buttons and the transition log are added by
    rapidreview.admin, which knows the case's actions."""

    list_display = ("audit_label", "status", "agency", "submitted_at", "created_at")
    list_filter = ("status", "agency")
    search_fields = ("reference", "status", "agency__name")
    date_hierarchy = "created_at"
    list_select_related = ("agency",)
    # The state moves only through the case's transitions, never by editing it here.
    readonly_fields = (
        "reference",
        "status",
        "created_by",
        "created_at",
        "updated_at",
        "submitted_at",
        "sections_saved",
        # Linking a duplicate is a lifecycle action (deadlines close with it).
        "duplicate_of",
        # The deadlines are counted from these: the LA awareness date moves them through
        # its own audited service (the case page's form), the others were fixed at
        # submission. The agency decides which agency lead sees the case.
        "la_aware_on",
        "incident_date",
        "aware_at",
        "looked_after_death",
        "agency",
    )
    inlines = (FamilyMemberInline, InvolvedAgencyInline, OtherProcessInline)

    def get_inlines(self, request, obj):
        inlines = list(super().get_inlines(request, obj))
        return [*inlines, CaseTransitionInline] if obj is not None else inlines

    def get_queryset(self, request):
        # Nobody sees another person's draft, administrators included: a draft (or one
        # withdrawn before it was ever submitted) stays its author's until submitted.
        return super().get_queryset(request).submitted()

    def has_add_permission(self, request):
        # Referrals are made by practitioners in the application, which opens their
        # deadlines and tells the partnership; one added here would do neither.
        return False

    @admin.display(description="reference", ordering="reference")
    def audit_label(self, obj):
        return obj.audit_label

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The change page shows the child's and family's details: a read, audited as in the app.
        obj = self.get_object(request, object_id) if request.method == "GET" else None
        if obj is not None and self.has_view_or_change_permission(request, obj):
            audit_read(request=request, obj=obj, what="Administration: change page")
        return super().change_view(request, object_id, form_url, extra_context=extra_context)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        touched = len(formset.new_objects) + len(formset.changed_objects) + len(formset.deleted_objects)
        if touched:
            audit_record(
                request.user,
                AuditAction.ADMIN_CHANGED,
                form.instance,
                f"Administration: {formset.model._meta.verbose_name_plural}: "
                f"{len(formset.new_objects)} added, {len(formset.changed_objects)} changed, "
                f"{len(formset.deleted_objects)} deleted",
                request=request,
            )


@admin.register(ReferenceCounter)
class ReferenceCounterAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Shown for information: changing a counter by hand could give a reference twice."""

    list_display = ("year", "last_number")


@admin.register(SubgroupDecision)
class SubgroupDecisionAdmin(CaseRecordAdminMixin, admin.ModelAdmin):
    list_display = ("referral", "outcome", "decided_on", "recorded_by")
    list_filter = ("outcome",)
    search_fields = ("referral__reference",)


@admin.register(CaseTransition)
class CaseTransitionAdmin(CaseRecordAdminMixin, admin.ModelAdmin):
    list_display = ("at", "referral", "from_status", "to_status", "by")
    list_filter = ("to_status",)
    search_fields = ("referral__reference",)
    date_hierarchy = "at"
