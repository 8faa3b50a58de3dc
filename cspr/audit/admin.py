from django.contrib import admin

from .admin_mixins import ReadOnlyAdminMixin
from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("at", "actor_username", "action", "object_type", "object_label", "summary", "ip_address")
    list_filter = ("action", "object_type")
    search_fields = ("actor_username", "action", "object_label", "object_id")
    date_hierarchy = "at"
    readonly_fields = [field.name for field in AuditEvent._meta.fields]
