"""The app's own settings for the test suite.

Tests talk plain HTTP to Django's test client and to live_server, so transport security
that production turns on by default is off here unless the environment says otherwise.
Everything else comes from cspr/settings.py and the environment, as in production.
"""

import os

for name in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"):
    os.environ.setdefault(name, "False")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")

from cspr.settings import *  # noqa: E402, F403
