# Sourced by scripts/dev and scripts/check: makes .venv with the project installed from the
# lock (exact versions, checked against their hashes), reinstalling only when the lock,
# pyproject.toml or setup.py changed. Needs only Python 3.11+ and pip.
PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "repairbook needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)" >&2
  exit 1
fi
if ! "$PYTHON" scripts/lock --check >/dev/null 2>&1; then
  echo "warning: pyproject.toml changed since requirements-dev.lock was written; run scripts/lock" >&2
fi
if [ ! -x .venv/bin/python ]; then
  echo "creating .venv …" >&2
  "$PYTHON" -m venv .venv
fi
if [ ! -f .venv/.installed ] || [ requirements-dev.lock -nt .venv/.installed ] \
  || [ pyproject.toml -nt .venv/.installed ] || [ setup.py -nt .venv/.installed ]; then
  echo "installing repairbook and its locked dependencies into .venv …" >&2
  # Every package, the build backend included, comes from the lock; the project itself is
  # then built with that backend (no build isolation, which would fetch an unlocked one).
  .venv/bin/python -m pip install --quiet --require-hashes --no-deps -r requirements-dev.lock
  .venv/bin/python -m pip install --quiet --no-deps --no-build-isolation -e .
  touch .venv/.installed
fi
