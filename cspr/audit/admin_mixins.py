from .models import AuditAction
from .services import audit_read, audit_record


class AuditedAdminMixin:
    """Every change made through the admin site goes on the audit trail, as in the app.

    Summaries name the fields that changed (e.g. "groups", "agency"), never their values.
    """

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changed = ", ".join(form.changed_data) or "nothing"
        audit_record(
            request.user,
            AuditAction.ADMIN_CHANGED if change else AuditAction.ADMIN_ADDED,
            obj,
            f"Administration: {'changed' if change else 'added'} {changed}",
            request=request,
        )

    def delete_model(self, request, obj):
        audit_record(request.user, AuditAction.ADMIN_DELETED, obj, "Administration: deleted", request=request)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit_record(
                request.user,
                AuditAction.ADMIN_DELETED,
                obj,
                "Administration: deleted (bulk action)",
                request=request,
            )
        super().delete_queryset(request, queryset)


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
            audit_read(
                request=request,
                obj=obj.referral,
                what=f"Administration: {self.model._meta.verbose_name} opened",
            )
        return super().change_view(request, object_id, form_url, extra_context=extra_context)
