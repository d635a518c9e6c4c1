"""A small HTTP/1.1 load generator: keep-alive connections on raw asyncio streams, one request
in flight per connection, the same prepared bytes sent over and over. It spends a few
microseconds per request where an HTTP client library spends hundreds, so that the server,
not the generator, is what gets measured (bench/board.py prints both CPU loads to show it).
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Load:
    """What a run did: completed requests, their latencies, and the client's CPU time."""

    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    failures: int = 0
    client_cpu: float = 0.0

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


def post(
    host: str, port: int, path: str, payload: dict[str, Any], headers: dict[str, str]
) -> bytes:
    """The bytes of one POST with a JSON body, ready to be sent as they are."""
    body = json.dumps(payload).encode()
    lines = [
        f"POST {path} HTTP/1.1",
        f"Host: {host}:{port}",
        "Content-Type: application/json",
        "Accept: application/json",
        f"Content-Length: {len(body)}",
        *(f"{name}: {value}" for name, value in headers.items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = None
    chunked = False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if length is not None:
        return status, await reader.readexactly(length)
    if not chunked:
        raise RuntimeError("a response with neither Content-Length nor chunked encoding")
    parts: list[bytes] = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
        if size == 0:
            await reader.readuntil(b"\r\n")
            return status, b"".join(parts)
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)


async def run(host: str, port: int, request: bytes, *, concurrency: int, seconds: float) -> Load:
    """`concurrency` connections sending `request` back to back for `seconds`."""
    load = Load()
    deadline = 0.0

    async def connection() -> None:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                writer.write(request)
                status, body = await read_response(reader)
                if status != 200 or b'"errors"' in body:
                    load.failures += 1
                else:
                    load.latencies.append(time.perf_counter() - started)
        finally:
            writer.close()

    cpu = time.process_time()
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(*(connection() for _ in range(concurrency)))
    load.seconds = time.perf_counter() - started
    load.client_cpu = time.process_time() - cpu
    return load


async def once(host: str, port: int, request: bytes) -> dict[str, Any]:
    """One request's parsed answer (to check what a query returns before loading it)."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(request)
        status, body = await read_response(reader)
    finally:
        writer.close()
    if status != 200:
        raise RuntimeError(f"HTTP {status}: {body[:300]!r}")
    answer: dict[str, Any] = json.loads(body)
    return answer
