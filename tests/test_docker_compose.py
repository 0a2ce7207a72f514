"""docker-compose.yml cannot be started here (no Docker engine), so it is parsed and checked."""

import importlib
import shlex

import yaml
from django.conf import settings


def load():
    return yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text())


def command_words(service) -> list[str]:
    command = service.get("command", [])
    return shlex.split(command) if isinstance(command, str) else list(command)


def test_the_stack_has_its_services_with_health_checks():
    services = load()["services"]
    assert {"web", "worker", "beat", "db", "redis"} <= set(services)
    for name in ("web", "worker", "beat", "db", "redis"):
        assert services[name].get("healthcheck", {}).get("test"), name
    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["db"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"
        assert services[name]["environment"]["DEBUG"] == "false"
        assert "SECRET_KEY" in services[name]["environment"]


def test_each_command_names_a_real_module():
    services = load()["services"]
    web = command_words(services["web"])
    assert web[0] == "gunicorn"
    module, attribute = web[1].split(":")
    assert callable(getattr(importlib.import_module(module), attribute))
    for name in ("worker", "beat"):
        words = command_words(services[name])
        assert words[:2] == ["celery", "-A"]
        assert words[3] == name
        project = importlib.import_module(words[2])
        assert project.celery_app.main == words[2]
    migrate = command_words(services["migrate"])
    assert migrate[:2] == ["python", "manage.py"]
    assert (settings.BASE_DIR / "manage.py").exists()


def test_the_image_is_built_from_the_repository():
    dockerfile = (settings.BASE_DIR / "Dockerfile").read_text()
    assert "pip install --no-cache-dir -r requirements.txt" in dockerfile
    assert load()["x-portal"]["build"] == "."
