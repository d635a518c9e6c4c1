from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from repairbook.app import create_app
from repairbook.config import DEFAULT_SECRET_KEY, ConfigurationError, Settings

ROOT = Path(__file__).parent.parent


def test_production_refuses_the_default_secret() -> None:
    settings = Settings(_env_file=None, env="production")
    assert settings.secret_key.get_secret_value() == DEFAULT_SECRET_KEY
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app(settings)


def test_production_refuses_a_short_secret() -> None:
    with pytest.raises(ConfigurationError, match="32 characters"):
        Settings(_env_file=None, env="production", secret_key="short").check_production_ready()


def test_production_accepts_a_real_secret() -> None:
    Settings(_env_file=None, env="production", secret_key="k" * 40).check_production_ready()


def test_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPAIRBOOK_TIMEZONE", "Asia/Yekaterinburg")
    monkeypatch.setenv("REPAIRBOOK_SMTP_PORT", "2525")
    settings = Settings(_env_file=None)
    assert (settings.timezone, settings.smtp_port) == ("Asia/Yekaterinburg", 2525)


def test_unknown_time_zone_is_refused() -> None:
    with pytest.raises(ValidationError):
        Settings(_env_file=None, timezone="Mars/Olympus")


def test_compose_sets_only_variables_that_exist() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    fields = {name.upper() for name in Settings.model_fields}
    for service in ("api", "worker", "migrate"):
        env = compose["services"][service]["environment"]
        names = {key.removeprefix("REPAIRBOOK_") for key in env}
        assert all(key.startswith("REPAIRBOOK_") for key in env)
        assert names <= fields, names - fields
        assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ENV"} <= names


def test_readme_documents_every_setting() -> None:
    readme = (ROOT / "README.md").read_text()
    missing = [n for n in Settings.model_fields if f"REPAIRBOOK_{n.upper()}" not in readme]
    assert not missing
