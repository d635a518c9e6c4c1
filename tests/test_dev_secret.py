"""`dev` (and every development command) signs tokens with a random secret of its data
folder, never the one published in the source, and says so when it listens beyond loopback."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from pydantic import SecretStr

from repairbook.cli import exposure_warning, with_own_secret
from repairbook.config import DEFAULT_SECRET_KEY, Settings


def development(folder: Path, **overrides: object) -> Settings:
    return Settings(_env_file=None, data_dir=folder, **overrides)  # type: ignore[arg-type]


def test_a_data_folder_gets_its_own_random_secret_once(tmp_path: Path) -> None:
    first = with_own_secret(development(tmp_path / "a")).secret_key.get_secret_value()
    again = with_own_secret(development(tmp_path / "a")).secret_key.get_secret_value()
    other = with_own_secret(development(tmp_path / "b")).secret_key.get_secret_value()
    assert first != DEFAULT_SECRET_KEY
    assert len(first) >= 32
    assert again == first  # kept: tokens survive a restart
    assert other != first
    mode = stat.S_IMODE((tmp_path / "a" / "secret_key").stat().st_mode)
    assert mode == 0o600


def test_a_secret_that_was_set_is_kept(tmp_path: Path) -> None:
    given = development(tmp_path, secret_key=SecretStr("x" * 40))
    assert with_own_secret(given).secret_key.get_secret_value() == "x" * 40
    production = development(tmp_path, env="production", secret_key=SecretStr("p" * 40))
    assert with_own_secret(production) is production
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"])
def test_no_warning_on_loopback(host: str) -> None:
    assert exposure_warning(host) is None


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10", "shop.example.com"])  # noqa: S104
def test_one_line_of_warning_beyond_loopback(host: str) -> None:
    warning = exposure_warning(host)
    assert warning is not None
    assert host in warning
    assert "\n" not in warning
