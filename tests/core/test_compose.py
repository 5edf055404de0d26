"""docker-compose.yml is accepted by Compose and runs the five services from one image with health checks."""

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from tests.conftest import _missing

ROOT = Path(settings.BASE_DIR)


def _compose_command() -> list[str] | None:
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True)
        if probe.returncode == 0:
            return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


def test_compose_config_is_accepted(tmp_path):
    command = _compose_command()
    if command is None:
        _missing("needs docker compose or docker-compose")
    for name in ("docker-compose.yml", "Dockerfile"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "docker", tmp_path / "docker")
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    result = subprocess.run([*command, "config", "-q"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    scaled = subprocess.run(
        [*command, "--profile", "replica", "config", "--services"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert scaled.returncode == 0, scaled.stderr
    assert {"db-replica", "lb", "web", "worker"} <= set(scaled.stdout.split())


def test_services_share_one_image_and_have_health_checks():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"db", "redis", "web", "worker", "beat"} <= set(services)
    for name in ("db", "redis", "web", "worker", "beat"):
        assert "healthcheck" in services[name], name
    images = {services[name]["image"] for name in ("web", "worker", "beat", "migrate")}
    assert images == {"strategy-portal:latest"}
    assert "gunicorn" in services["web"]["command"]
    assert "worker" in services["worker"]["command"] and "beat" in services["beat"]["command"]


@pytest.mark.parametrize(
    "variable",
    [
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "READ_REPLICA_URL",
        "REDIS_URL",
        "EMAIL_HOST",
        "ABSENCE_IMPORT_JOB_KEEP_DAYS",
        "PORTAL_LOCAL",
    ],
)
def test_env_example_documents_every_setting(variable):
    assert f"\n{variable}=" in "\n" + (ROOT / ".env.example").read_text()
    assert f"`{variable}`" in (ROOT / "README.md").read_text()


def test_web_scales_behind_the_load_balancer_and_can_read_from_a_replica():
    """`--scale web=3` needs the web containers unpublished behind nginx; the replica is a profile."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert "ports" not in services["web"]
    assert services["lb"]["ports"] == ["8000:80"]
    nginx = (ROOT / "docker" / "nginx.conf").read_text()
    assert "proxy_pass $web;" in nginx and "resolver 127.0.0.11" in nginx
    assert "client_max_body_size 1024m;" in nginx  # the default PORTAL_IMPORT_MAX_MB
    assert services["db-replica"]["profiles"] == ["replica"]
    for name in ("web", "worker"):
        assert services[name]["environment"]["READ_REPLICA_URL"] == "${READ_REPLICA_URL:-}"
    for script in ("postgres-primary.sh", "postgres-replica.sh"):
        checked = subprocess.run(["bash", "-n", str(ROOT / "docker" / script)], capture_output=True)
        assert checked.returncode == 0, checked.stderr
