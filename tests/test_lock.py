"""The locks: every package pinned with hashes, installed as pinned, and checked against
pyproject.toml so that a dependency added without `scripts/lock` fails ./scripts/check."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from packaging.markers import Marker
from packaging.utils import canonicalize_name

ROOT = Path(__file__).parent.parent
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^ ;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")


def pins(lock: str) -> dict[str, tuple[str, str | None]]:
    """name -> (version, marker) of every requirement line in a lock file."""
    found: dict[str, tuple[str, str | None]] = {}
    for line in (ROOT / lock).read_text().splitlines():
        match = PIN.match(line)
        if match:
            found[canonicalize_name(match[1])] = (match[2], match[3])
    return found


def check(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, str(folder / "scripts/lock"), "--check"],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_every_pin_carries_hashes_and_production_pins_what_development_does() -> None:
    for lock in ("requirements.lock", "requirements-dev.lock"):
        text = (ROOT / lock).read_text()
        requirements = [line for line in text.splitlines() if PIN.match(line)]
        assert len(requirements) > 50
        blocks = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
        assert all("--hash=sha256:" in block for block in blocks if PIN.match(block.split("\n")[0]))
    production, development = pins("requirements.lock"), pins("requirements-dev.lock")
    assert {name: development[name] for name in production} == production
    assert {"setuptools", "uv", "prometheus-client", "strawberry-graphql"} <= development.keys()


def test_this_environment_holds_exactly_the_locked_versions() -> None:
    wrong = {}
    for name, (version, marker) in pins("requirements-dev.lock").items():
        if marker and not Marker(marker).evaluate():
            continue
        installed = metadata.version(name)
        if installed != version:
            wrong[name] = (installed, version)
    assert not wrong, f"installed, locked: {wrong}; run `source scripts/_venv.sh`"


def test_check_fails_when_pyproject_changes_without_a_new_lock(tmp_path: Path) -> None:
    for name in ("pyproject.toml", "requirements.lock", "requirements-dev.lock"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts/lock", tmp_path / "scripts/lock")
    assert check(tmp_path).returncode == 0, check(tmp_path).stderr

    pyproject = tmp_path / "pyproject.toml"
    # Anything outside the dependency lists does not matter ...
    pyproject.write_text(pyproject.read_text().replace("line-length = 100", "line-length = 99"))
    assert check(tmp_path).returncode == 0
    # ... a new dependency does.
    text = pyproject.read_text().replace(
        '"tzdata>=2024.1",', '"tzdata>=2024.1",\n    "babel>=2.16",'
    )
    pyproject.write_text(text)
    failed = check(tmp_path)
    assert failed.returncode == 1
    assert "run scripts/lock" in failed.stderr
