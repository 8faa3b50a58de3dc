"""gunicorn's settings for the web container (read from the working directory at start).

Each value can be changed by an environment variable of the same meaning; the defaults
are those of docker-compose.yml, where only the TLS proxy on the `edge` network reaches
this server.
"""

import os

# Inside the container: every interface of the container, which compose attaches only to
# the proxy's network and the services' network; nothing is published on the host.
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")  # noqa: S104
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
accesslog = "-"
# The access log with calendar-feed tokens hidden.
logger_class = "cspr.gunicorn_logging.MaskingLogger"
# gunicorn believes X-Forwarded-Proto (for wsgi.url_scheme) only from our proxy, as the
# application does (cspr.proxies) for every forwarded header.
forwarded_allow_ips = os.environ.get("TRUSTED_PROXY_ADDRESSES", "127.0.0.1,::1")
