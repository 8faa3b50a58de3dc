"""The case lifecycle in Django admin: transition buttons that go through the same forms
and services as the case page (never an edit of the state field), and read-only views of
the decision and the transition log."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from cspr.audit.services import audit_record

from .lifecycle_actions import ACTIONS, actions_for
from .lifecycle_models import CaseTransition, SubgroupDecision
from .lifecycle_services import CaseActionError
from .lifecycle_views import is_repeat_of_own_move, not_offered_message, put_errors_on_form


class ReadOnlyAdminMixin:
    """Rows written only by the lifecycle services: administrators look, never edit."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CaseRecordAdminMixin(ReadOnlyAdminMixin):
    """A case's record in admin: read-only, and opening it is a read of the case, audited as
    in the application (the rows hold the subgroup's deliberations)."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id) if request.method == "GET" else None
        if obj is not None and self.has_view_permission(request, obj):
            audit_record(
                actor=request.user,
                action="case.viewed",
                obj=obj.referral,
                summary=f"Administration: {self.model._meta.verbose_name} opened",
                request=request,
            )
        return super().change_view(request, object_id, form_url, extra_context=extra_context)


class CaseTransitionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CaseTransition
    extra = 0
    fields = ("at", "from_status", "to_status", "by", "reason")
    readonly_fields = fields
    ordering = ("at", "id")
    verbose_name_plural = "transitions (the case's own log)"


class CaseLifecycleAdminMixin:
    """Adds to ReferralAdmin the lifecycle's actions as buttons and the transition log."""

    change_form_template = "rapidreview/admin/referral_change_form.html"

    def get_inlines(self, request, obj):
        inlines = list(super().get_inlines(request, obj))
        return [*inlines, CaseTransitionInline] if obj is not None else inlines

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
                    put_errors_on_form(form, error)
                else:
                    self.message_user(request, spec.success, messages.SUCCESS)
                    return redirect(change_url)
        else:
            if not spec.available(case, request.user):
                self.message_user(request, not_offered_message(spec, case), messages.WARNING)
                return redirect(change_url)
            form = spec.form_class(**form_kwargs)
            audit_record(
                actor=request.user,
                action="case.viewed",
                obj=case,
                summary=f"Opened ‘{spec.label}’ in administration",
                request=request,
            )
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
