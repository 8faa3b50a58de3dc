"""The compose stack: only the TLS proxy is published, and web trusts only the proxy."""

import ipaddress
import re
import runpy

import yaml
from django.conf import settings

BASE = settings.BASE_DIR


def compose() -> dict:
    return yaml.safe_load((BASE / "docker-compose.yml").read_text())


def default_of(value: str) -> str:
    """The default of a compose "${NAME:-default}" value (or the value itself)."""
    match = re.fullmatch(r"\$\{\w+:-([^}]*)\}", value)
    return match.group(1) if match else value


def test_only_the_proxy_is_published_on_the_host():
    services = compose()["services"]

    published = sorted(name for name, service in services.items() if service.get("ports"))

    assert published == ["proxy"]


def test_web_is_on_the_proxy_network_and_the_data_stores_are_not():
    services = compose()["services"]

    assert set(services["web"]["networks"]) == {"edge", "backend"}
    assert set(services["proxy"]["networks"]) == {"edge"}
    for name in ("postgres", "redis", "worker", "beat"):
        assert "edge" not in services[name]["networks"], name


def test_web_trusts_forwarded_headers_from_the_proxy_address_only():
    spec = compose()
    web_env = spec["services"]["web"]["environment"]
    proxy_address = default_of(spec["services"]["proxy"]["networks"]["edge"]["ipv4_address"])
    subnet = default_of(spec["networks"]["edge"]["ipam"]["config"][0]["subnet"])

    assert web_env["TRUSTED_PROXY_COUNT"] == "1"
    assert default_of(web_env["TRUSTED_PROXY_ADDRESSES"]) == proxy_address
    assert ipaddress.ip_address(proxy_address) in ipaddress.ip_network(subnet)


def test_proxy_replaces_any_forwarded_for_the_client_sent():
    conf = (BASE / "deploy" / "nginx" / "cspr.conf").read_text()

    assert "proxy_set_header X-Forwarded-For $remote_addr;" in conf
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in conf
    assert "proxy_pass http://web:8000;" in conf


def test_gunicorn_trusts_the_same_proxy_addresses(monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXY_ADDRESSES", "172.30.80.10")

    config = runpy.run_path(str(BASE / "gunicorn.conf.py"))

    assert config["forwarded_allow_ips"] == "172.30.80.10"
    assert config["logger_class"] == "cspr.gunicorn_logging.MaskingLogger"
