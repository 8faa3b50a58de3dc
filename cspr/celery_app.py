import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cspr.settings")

app = Celery("cspr")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["cspr.notifications", "referrals", "rapidreview", "deadlines"])


@app.on_after_configure.connect
def _make_broker_folders(sender, **kwargs):
    # kombu's filesystem transport expects its folders to exist already.
    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            os.makedirs(options[key], exist_ok=True)
