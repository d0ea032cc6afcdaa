import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _compose():
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True)
        if probe.returncode == 0:
            return ["docker", "compose"]
    return None


@pytest.mark.skipif(_compose() is None, reason="no docker compose client here")
def test_docker_compose_config_parses_with_the_env_example(tmp_path):
    (tmp_path / "docker-compose.yml").write_text((ROOT / "docker-compose.yml").read_text())
    (tmp_path / ".env").write_text((ROOT / ".env.example").read_text())

    result = subprocess.run(
        [*_compose(), "config"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr
    for service in ("db:", "redis:", "web:", "worker:", "beat:", "nginx:", "migrate:"):
        assert service in result.stdout
    assert "pg_isready" in result.stdout


# --- Without docker: the file itself (issue 19, docs/deploy.md) ------------------------------


def _services(text: str) -> dict[str, str]:
    """{service: its block of lines} of the compose file's `services:` (two-space indent)."""
    services, current, inside = {}, None, False
    for line in text.splitlines():
        if not line.startswith(" ") and line.strip():
            inside = line.startswith("services:")
            current = None
            continue
        match = re.match(r"^  ([a-z][\w-]*):\s*$", line)
        if inside and match:
            current = match.group(1)
            services[current] = ""
        elif inside and current:
            services[current] += line + "\n"
    return services


def test_nginx_is_the_only_published_service_and_web_is_stateless():
    text = (ROOT / "docker-compose.yml").read_text()
    services = _services(text)

    assert set(services) >= {"db", "redis", "web", "worker", "beat", "nginx", "migrate"}
    published = [name for name, block in services.items() if re.search(r"^    ports:", block, re.M)]
    assert published == ["nginx"]
    # The instances share their cache and sessions through Redis, files through the volume.
    assert "CACHE_URL: redis://redis:6379/1" in text
    assert "migrate" not in services["web"].split("command:")[1].splitlines()[0]
    assert "./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro" in services["nginx"]


def test_nginx_limits_bodies_uploads_and_requests():
    conf = (ROOT / "deploy" / "nginx.conf").read_text()

    # 12 MB per request: above the portal's 10 MB per file (lib/uploads.py), below abuse.
    assert re.search(r"client_max_body_size 12m;", conf)
    assert "limit_req zone=per_address" in conf and "limit_conn connections" in conf
    assert "proxy_pass http://portal;" in conf and "server web:8000;" in conf
    assert "proxy_set_header X-Forwarded-Proto" in conf
    assert "client_body_timeout" in conf and "proxy_read_timeout" in conf
