from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "cspr.notifications"
    label = "notifications"
    verbose_name = "Contacts and notifications"
