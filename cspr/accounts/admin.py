from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.db import transaction
from django.http import HttpResponseRedirect
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from cspr.audit.admin_mixins import AuditedAdminMixin

from .models import Agency, User
from .services import account_password_changed, account_password_set_by_admin
from .two_factor import two_factor_reset_by_admin

# Who may grant administration itself. An administrator who is not a superuser manages
# people, but cannot make anyone (themselves included) staff or superuser, nor change roles.
SUPERUSER_ONLY_USER_FIELDS = ("is_superuser", "is_staff", "groups", "user_permissions")

# Roles are groups: who holds which role decides who sees every case, so changes to them
# are audited like any other.
admin.site.unregister(Group)

# Two-factor devices hold the secret of someone's authenticator app and their recovery
# codes; django-otp's own admin pages would show them (a QR code of the secret, too). An
# administrator resets a lost phone from the user list instead ("Reset two-factor").
admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)


@admin.register(Group)
class RoleGroupAdmin(AuditedAdminMixin, DjangoGroupAdmin):
    """The role groups and their permissions are kept in step with the code after every
    migrate; only a superuser may change them in between."""

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


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
    actions = ["reset_two_factor"]

    @admin.action(description="Reset two-factor sign-in (a lost phone)", permissions=["change"])
    def reset_two_factor(self, request, queryset):
        """Remove each person's authenticator app and recovery codes; audited and emailed.
        Only a superuser resets someone with access to admin."""
        done, skipped = 0, 0
        for person in queryset:
            if (person.is_staff or person.is_superuser) and not request.user.is_superuser:
                skipped += 1
                continue
            two_factor_reset_by_admin(user=person, by=request.user, request=request)
            done += 1
        if done:
            self.message_user(
                request,
                f"Two-factor sign-in reset for {done} {'person' if done == 1 else 'people'}. "
                "They set it up again at their next sign-in.",
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                f"Not reset for {skipped}: only a superuser resets two-factor sign-in for someone "
                "with access to administration.",
                messages.WARNING,
            )

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += [name for name in SUPERUSER_ONLY_USER_FIELDS if name not in readonly]
        return readonly

    @transaction.atomic
    def user_change_password(self, request, id, form_url=""):
        """Django's own view, plus the audit event and the email it does not write: the
        administrator is named on the trail, so signing in as that person is not hidden."""
        response = super().user_change_password(request, id, form_url)
        # Success redirects to the person's change page; a conflicting submission
        # redirects back to this form, and an invalid one renders it again.
        changed = (
            request.method == "POST"
            and isinstance(response, HttpResponseRedirect)
            and response.url != request.get_full_path()
        )
        if changed:
            person = self.get_object(request, unquote(id))
            if person.pk == request.user.pk:
                account_password_changed(user=person, request=request)
            else:
                account_password_set_by_admin(user=person, by=request.user, request=request)
        return response
