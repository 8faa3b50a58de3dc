from .services import audit_record


class AuditedAdminMixin:
    """Every change made through the admin site goes on the audit trail, as in the app.

    Summaries name the fields that changed (e.g. "groups", "agency"), never their values.
    """

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changed = ", ".join(form.changed_data) or "nothing"
        audit_record(
            actor=request.user,
            action="admin.changed" if change else "admin.added",
            obj=obj,
            summary=f"Administration: {'changed' if change else 'added'} {changed}",
            request=request,
        )

    def delete_model(self, request, obj):
        audit_record(
            actor=request.user,
            action="admin.deleted",
            obj=obj,
            summary="Administration: deleted",
            request=request,
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit_record(
                actor=request.user,
                action="admin.deleted",
                obj=obj,
                summary="Administration: deleted (bulk action)",
                request=request,
            )
        super().delete_queryset(request, queryset)
