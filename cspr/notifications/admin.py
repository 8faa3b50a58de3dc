from django.contrib import admin

from cspr.audit.admin_mixins import AuditedAdminMixin

from .models import Contact, Notification


@admin.register(Contact)
class ContactAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Contacts decide who receives case emails, so every change is audited."""

    list_display = ("name", "role", "agency", "email", "active")
    list_filter = ("role", "agency", "active")
    search_fields = ("name", "email")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "event",
        "case_reference",
        "recipient_email",
        "status",
        "attempts",
        "sent_at",
    )
    list_filter = ("status", "event")
    search_fields = ("case_reference", "recipient_email", "event")
    # A row's context can hold a live password-reset link: admin never shows it.
    exclude = ("context",)
    readonly_fields = [field.name for field in Notification._meta.fields if field.name != "context"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
