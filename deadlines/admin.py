"""Administration of the calendar and the rulebook.

Saving or removing a closure day, a one-off bank holiday or a rule goes through
deadlines.services, which moves the open deadlines affected, records it in the audit
trail and reports here what moved. Deadlines themselves are read-only: services are
the only way to change them.
"""

from django.contrib import admin, messages

from cspr.accounts.models import User
from cspr.audit.admin_mixins import ReadOnlyAdminMixin

from . import services
from .forms import RuleAdminForm
from .models import CalendarFeedToken, ClosureDay, Deadline, DeadlineRule, ExtraHoliday, StatutoryNotification

MAX_MOVES_LISTED = 20


def _report_moves(request, moves, what: str) -> None:
    if not moves:
        messages.info(request, f"{what}. No open deadline moved.")
        return
    listed = "; ".join(str(move) for move in moves[:MAX_MOVES_LISTED])
    more = (
        f" and {len(moves) - MAX_MOVES_LISTED} more (see the audit trail)"
        if len(moves) > MAX_MOVES_LISTED
        else ""
    )
    messages.warning(request, f"{what}. {len(moves)} open deadline(s) moved: {listed}{more}.")


class CalendarDayAdmin(admin.ModelAdmin):
    date_hierarchy = "day"
    actions = ["delete_selected"]

    def save_model(self, request, obj, form, change):
        old_day = form.initial.get("day") if change else None
        moves = services.calendar_day_save(day_obj=obj, by=request.user, old_day=old_day)
        _report_moves(request, moves, f"{obj._meta.verbose_name.capitalize()} saved")

    def delete_model(self, request, obj):
        moves = services.calendar_days_delete(day_objs=[obj], by=request.user)
        _report_moves(request, moves, f"{obj._meta.verbose_name.capitalize()} removed")

    def delete_queryset(self, request, queryset):
        moves = services.calendar_days_delete(day_objs=list(queryset), by=request.user)
        _report_moves(request, moves, f"{queryset.model._meta.verbose_name_plural.capitalize()} removed")


@admin.register(ClosureDay)
class ClosureDayAdmin(CalendarDayAdmin):
    list_display = ["day", "weekday", "reason"]
    search_fields = ["reason"]

    @admin.display(description="Day of the week")
    def weekday(self, obj):
        return f"{obj.day:%A}"


@admin.register(ExtraHoliday)
class ExtraHolidayAdmin(CalendarDayAdmin):
    list_display = ["day", "weekday", "name"]
    search_fields = ["name"]

    @admin.display(description="Day of the week")
    def weekday(self, obj):
        return f"{obj.day:%A}"


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(admin.ModelAdmin):
    form = RuleAdminForm
    list_display = ["order", "label", "code", "length_text", "opened_by", "responsible", "active"]
    list_display_links = ["label"]
    list_filter = ["active", "opened_by", "is_target"]
    readonly_fields = []
    fieldsets = [
        (None, {"fields": ["code", "label", "order", "active", "source"]}),
        (
            "When it opens and when it falls due",
            {
                "fields": [
                    "opened_by",
                    "anchor",
                    "anchor_label",
                    "length",
                    "unit",
                    "is_target",
                    "met_on_opening",
                    "looked_after_death_only",
                ]
            },
        ),
        (
            "Who is responsible, reminded and escalated to",
            {
                "fields": [
                    "responsible",
                    "remind_days_before",
                    "remind_on_due_day",
                    "remind_referrer",
                    "remind_user_roles",
                    "remind_contact_roles",
                    "escalate_contact_roles",
                    "repeat_overdue",
                ]
            },
        ),
    ]

    @admin.display(description="Length")
    def length_text(self, obj):
        return obj.length_text

    def get_readonly_fields(self, request, obj=None):
        # The application opens deadlines by code; renaming one would break that link.
        return ["code"] if obj else []

    def save_model(self, request, obj, form, change):
        moves = services.deadline_rule_save(rule=obj, by=request.user)
        _report_moves(request, moves, f"Rule ‘{obj.label}’ saved")

    def has_delete_permission(self, request, obj=None):
        # Rules with deadlines are kept for the record; make a rule inactive instead.
        return False


@admin.register(Deadline)
class DeadlineAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["referral", "rule", "anchor_date", "due_date", "status", "reminded_stage"]
    list_filter = ["status", "rule"]
    search_fields = ["referral__reference"]
    list_select_related = ["referral", "rule"]
    date_hierarchy = "due_date"


@admin.register(StatutoryNotification)
class StatutoryNotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["referral", "kind", "notified_on", "reference", "recorded_by", "recorded_at"]
    list_filter = ["kind"]
    search_fields = ["referral__reference", "reference"]
    list_select_related = ["referral", "recorded_by"]


@admin.register(CalendarFeedToken)
class CalendarFeedTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["user__username"]
    exclude = ["token"]
    actions = ["revoke"]

    @admin.action(description="Turn off the selected calendar addresses")
    def revoke(self, request, queryset):
        count = 0
        owners = User.objects.filter(
            calendar_feed_tokens__in=queryset.filter(revoked_at__isnull=True)
        ).distinct()
        for owner in owners:
            count += services.calendar_feed_token_revoke(user=owner, by=request.user)
        messages.success(request, f"{count} calendar address(es) turned off.")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting would leave no trace of the address; turning it off (the action
        # above) goes through the audited service and keeps the row for the record.
        return False
