from django.contrib.admin.apps import AdminConfig


class CsprAdminConfig(AdminConfig):
    """Django admin on the site of cspr.admin_site (kept apart: an app config module is
    imported before models can be)."""

    default_site = "cspr.admin_site.CsprAdminSite"
