from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group

from cspr.audit.admin_mixins import AuditedAdminMixin

from .models import Agency, User

# Roles are groups: who holds which role decides who sees every case, so changes to them
# are audited like any other.
admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(AuditedAdminMixin, DjangoGroupAdmin):
    pass


@admin.register(Agency)
class AgencyAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kind")
    list_filter = ("kind",)
    search_fields = ("name",)


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin):
    list_display = ("username", "first_name", "last_name", "email", "agency", "is_active")
    list_filter = ("agency", "groups", "is_active", "is_staff")
    fieldsets = (
        *DjangoUserAdmin.fieldsets[:1],
        ("Person", {"fields": ("first_name", "last_name", "email", "job_title", "telephone", "agency")}),
        ("Roles and access", {"fields": ("is_active", "groups", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "email", "agency", "password1", "password2")}),
    )
