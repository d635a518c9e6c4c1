"""The embedded Redis of a data folder is shared by the commands using it: the last one
out stops it, as with the embedded PostgreSQL."""

from __future__ import annotations

import os
import time
from pathlib import Path

import redis

from repairbook.embedded import RedisProcess


def answers(port: int) -> bool:
    try:
        return bool(redis.Redis(port=port, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


def server_pid(folder: Path) -> int:
    return int((folder / "redis.port").read_text().split()[2])


def gone(pid: int, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def test_the_starter_leaving_does_not_stop_it_for_the_others(tmp_path: Path) -> None:
    dev = RedisProcess(tmp_path).start()  # `dev` starts it
    serve = RedisProcess(tmp_path).start()  # `serve` on the same data folder joins
    try:
        assert serve.port == dev.port
        pid = server_pid(tmp_path)
        dev.stop()  # `dev` exits (Ctrl-C)
        assert answers(serve.port), "stopped under a command still using it"
    finally:
        serve.stop()
    assert gone(pid), "the last one out left it running"
    assert not answers(dev.port)


def test_a_user_that_was_killed_does_not_keep_it_alive(tmp_path: Path) -> None:
    first = RedisProcess(tmp_path).start()
    pid = server_pid(tmp_path)
    # A command killed with SIGKILL never unregisters: its entry names a dead process.
    users = tmp_path / "redis.users"
    users.write_text(users.read_text() + "\n999999999:deadbeef")
    first.stop()
    assert gone(pid)


def test_a_server_whose_users_all_died_is_replaced(tmp_path: Path) -> None:
    first = RedisProcess(tmp_path).start()
    old = server_pid(tmp_path)
    (tmp_path / "redis.users").write_text("999999999:deadbeef")  # as after a crash
    first._user = None
    second = RedisProcess(tmp_path).start()
    try:
        assert gone(old)
        assert answers(second.port)
    finally:
        second.stop()
