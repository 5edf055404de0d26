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
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    result = subprocess.run([*command, "config", "-q"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


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
    "variable", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "EMAIL_HOST"]
)
def test_env_example_documents_every_setting(variable):
    assert f"\n{variable}=" in "\n" + (ROOT / ".env.example").read_text()
    assert f"`{variable}`" in (ROOT / "README.md").read_text()
