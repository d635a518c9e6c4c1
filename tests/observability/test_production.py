"""`repairbook serve` in production, as a process: every line it writes is JSON, and
/metrics answers only the holder of the token."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from repairbook.embedded import free_port
from repairbook.resources import Resources

TOKEN = "prometheus-scraper-token-0123456789"


def test_production_logs_json_lines_and_guards_metrics(
    tmp_path: Path, database_url: str, redis_url: str, resources: Resources
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPAIRBOOK_")}
    env.update(
        REPAIRBOOK_ENV="production",
        REPAIRBOOK_SECRET_KEY="a-production-secret-key-of-enough-length",
        REPAIRBOOK_PUBLIC_URL="https://shop.example.com",
        REPAIRBOOK_DATABASE_URL=database_url,
        REPAIRBOOK_REDIS_URL=redis_url,
        REPAIRBOOK_DATA_DIR=str(tmp_path / "data"),
        REPAIRBOOK_METRICS_TOKEN=TOKEN,
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "output.txt"
    with log.open("w") as output:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and command
            [sys.executable, "-m", "repairbook", "serve", "--port", str(port)],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert process.poll() is None, log.read_text()
            try:
                if httpx.get(f"{base}/readyz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            pytest.fail("serve did not become ready")
        answered = httpx.post(
            f"{base}/graphql",
            json={"query": "query Models { carModels { id } }"},
            headers={"x-request-id": "prod-req-1", "authorization": "Bearer not-a-token"},
        )
        assert answered.status_code == 200
        assert httpx.get(f"{base}/metrics").status_code == 404
        assert (
            httpx.get(f"{base}/metrics", headers={"authorization": "Bearer x"}).status_code == 404
        )
        scraped = httpx.get(f"{base}/metrics", headers={"authorization": f"Bearer {TOKEN}"})
        assert scraped.status_code == 200
        assert "repairbook_graphql_operations_total" in scraped.text
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    lines = [line for line in log.read_text().splitlines() if line.strip()]
    assert lines
    records = [json.loads(line) for line in lines]  # every line is a JSON object
    [operation] = [r for r in records if r.get("operation") == "Models"]
    assert operation["request_id"] == "prod-req-1"
    assert operation["outcome"] in ("OK", "UNAUTHENTICATED")
    assert "duration_ms" in operation
    assert any("Uvicorn running" in r["message"] or "startup" in r["message"] for r in records)
    assert "not-a-token" not in log.read_text()
