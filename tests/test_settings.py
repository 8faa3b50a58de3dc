"""Settings are read from the environment only; each case runs in a fresh interpreter."""

import json
import os
import subprocess
import sys

from django.conf import settings

PROBE = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'db': s.DATABASES['default']['ENGINE'], 'db_name': str(s.DATABASES['default']['NAME']), "
    "'broker': s.CELERY_BROKER_URL, 'mail': s.EMAIL_BACKEND, 'tz': s.TIME_ZONE, 'use_tz': s.USE_TZ, "
    "'debug': s.DEBUG, 'partnership': s.PARTNERSHIP_NAME, 'idle': s.SESSION_IDLE_MINUTES}))"
)
SERVICE_VARS = ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "EMAIL_URL", "DEBUG", "SECRET_KEY")


def run(env_overrides, *args):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in SERVICE_VARS and not k.startswith(("DJANGO_", "SECURE_", "SESSION_", "CSRF_"))
    }
    env.update({"DJANGO_SETTINGS_MODULE": "cspr.settings", **env_overrides})
    return subprocess.run(
        [sys.executable, *args], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )


def test_settings_with_no_environment_use_embedded_defaults():
    result = run({}, "-c", PROBE)
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["db"] == "django.db.backends.sqlite3"
    assert loaded["db_name"].endswith("var/db.sqlite3")
    assert loaded["broker"] == "filesystem://"
    assert loaded["mail"] == "django.core.mail.backends.filebased.EmailBackend"
    assert (loaded["tz"], loaded["use_tz"]) == ("Europe/London", True)
    assert loaded["partnership"] == "North Somerset Safeguarding Children Partnership"
    assert loaded["idle"] == 30
    assert loaded["debug"] is False


def test_settings_with_service_urls_use_the_services():
    result = run(
        {
            "DATABASE_URL": "postgres://cspr:secret@db.example.org:5432/cspr",
            "REDIS_URL": "redis://cache.example.org:6379/0",
            "EMAIL_URL": "smtp+tls://user:pw@mail.example.org:587",
            "SESSION_IDLE_MINUTES": "15",
        },
        "-c",
        PROBE,
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["db"] == "django.db.backends.postgresql"
    assert loaded["db_name"] == "cspr"
    assert loaded["broker"] == "redis://cache.example.org:6379/0"
    assert loaded["mail"] == "django.core.mail.backends.smtp.EmailBackend"
    assert loaded["idle"] == 15


def test_production_settings_pass_check_deploy():
    result = run(
        {
            "DEBUG": "False",
            "SECRET_KEY": "x7#kq2!v9Lm0pZr4Tw8Yb1Nc6Hd3Jf5Gs0Ae9Ui2Ox7Qy4Rt6Wz1Vb8Nm3Kl5Jh",
            "ALLOWED_HOSTS": "cspr.example.org",
            "SECURE_HSTS_PRELOAD": "True",
        },
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_the_published_example_secret_key():
    result = run(
        {"DEBUG": "False", "SECRET_KEY": "change-me-to-a-long-random-string-of-50-or-more-characters"},
        "-c",
        PROBE,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is the example value from .env.example" in result.stderr


def test_without_secret_key_every_process_shares_one_generated_key():
    probe = "import django; django.setup(); from django.conf import settings; print(settings.SECRET_KEY)"
    first, second = run({}, "-c", probe), run({}, "-c", probe)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert len(first.stdout.strip()) >= 50
