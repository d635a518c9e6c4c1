"""A counting SMTP sink for the benchmarks: accepts every message, keeps none.

python bench/sink.py PORT      # prints the number accepted when stopped (SIGTERM)
"""

from __future__ import annotations

import asyncio
import signal
import sys
from typing import Any

from aiosmtpd.controller import Controller


class Count:
    accepted = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        Count.accepted += 1
        return "250 OK"


def main() -> None:
    controller = Controller(Count(), hostname="127.0.0.1", port=int(sys.argv[1]))
    controller.start()
    stop = asyncio.Event()
    loop = asyncio.new_event_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    print("ready", flush=True)
    loop.run_until_complete(stop.wait())
    controller.stop()
    print(Count.accepted, flush=True)


if __name__ == "__main__":
    main()
