from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "cspr.accounts"
    label = "accounts"
    verbose_name = "Accounts and agencies"

    def ready(self):
        # Imported once the app registry is ready, as Django asks of signal handlers.
        from . import signals  # noqa: F401, PLC0415  (connects the login/logout audit)
        from .roles import sync_role_groups  # noqa: PLC0415 — it reads the auth models

        # Role groups and their permissions are kept in step with the code after every
        # migrate, when all permissions exist.
        post_migrate.connect(sync_role_groups, dispatch_uid="accounts.sync_role_groups")
