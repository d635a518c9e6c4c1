"""Benchmark of the work done on a document before it runs: parsing, the shape bounds
(schema/document_limits.py) and graphql-core's validation, on the event loop as a request
does it, with a ticker measuring how late the loop answers meanwhile.

Documents: the one that stalled servers (`{ carModels { engine { id } } }` 280 times) and
families of the costliest documents for OverlappingFieldsCanBeMergedRule that an attacker
can still write within the bounds and the token limit (fragments spread side by side, at
every level, chained; the most fields; the most selections), each at several sizes.

"before" validates every document as the server did (no shape bounds); "after" applies the
bounds first and validates only what they let through. Printed: the worst validation time
and the worst loop lag, per family and overall.

    .venv/bin/python bench/validation.py
"""

from __future__ import annotations

import asyncio
import signal
import statistics
import time
from collections.abc import Callable

from graphql import GraphQLError, parse, specified_rules, validate
from rich.console import Console
from rich.table import Table

from repairbook.api import build_schema, validation_rules
from repairbook.config import Settings
from repairbook.schema.document_limits import shape_problem

console = Console(width=150)
SETTINGS = Settings(_env_file=None)
ROUNDS = 5  # each document is processed this many times: the median is printed
STOP_AFTER = 10.0  # seconds: some documents took minutes before the bounds


def _stop(signum: int, frame: object) -> None:
    raise TimeoutError


def the_attack(copies: int) -> str:
    return "{ " + " ".join(["carModels { engine { id } }"] * copies) + " unique: __typename }"


def side_by_side(spreads: int) -> str:
    """Fragments spread next to each other, all selecting the same deep field."""
    uses = " ".join(f"...F{n}" for n in range(spreads))
    frags = " ".join(
        f"fragment F{n} on Query {{ carModels {{ id name engine {{ id code oil {{ id brand }} }} }} }}"
        for n in range(spreads)
    )
    return f"{{ {uses} }} {frags}"


def at_every_level(per: int) -> str:
    """Spreads side by side on Query and again inside every car model."""
    top = " ".join(f"...Q{n}" for n in range(per))
    queries = " ".join(
        f"fragment Q{n} on Query {{ carModels {{ {' '.join(f'...M{m}' for m in range(per))} }} }}"
        for n in range(per)
    )
    models = " ".join(
        f"fragment M{m} on CarModel {{ id name engine {{ id code oil {{ id brand }} }} }}"
        for m in range(per)
    )
    return f"{{ {top} }} {queries} {models}"


def chained(spreads: int) -> Callable[[int], str]:
    """Each of `count` fragments spreads the next `spreads`: spreads of spreads multiply."""

    def make(count: int) -> str:
        frags = []
        for n in range(count):
            nxt = " ".join(f"...F{m}" for m in range(n + 1, min(n + 1 + spreads, count)))
            frags.append(f"fragment F{n} on Query {{ carModels {{ id engine {{ id }} }} {nxt} }}")
        top = " ".join(f"...F{m}" for m in range(min(spreads, count)))
        return f"{{ {top} }} " + " ".join(frags)

    return make


def most_fields(groups: int) -> str:
    """As many fields as the budget allows, none repeated in a set (14 per group)."""
    inner = "id name priceCoefficient imageUrl engine { id code displacementL oilVolumeL oil { id brand viscosity pricePerLitre } }"
    return "{ " + " ".join(f"m{g}: carModels {{ {inner} }}" for g in range(groups)) + " }"


def most_selections(selections: int) -> str:
    return "{ " + " ".join(f"a{n}: __typename" for n in range(selections)) + " }"


# Each family grows with its argument; the bench takes the largest size the token limit
# lets through (before) and the largest the bounds let through (after).
FAMILIES: dict[str, tuple[Callable[[int], str], range]] = {
    "the attack (copies)": (the_attack, range(1, 400)),
    "fragments side by side (spreads)": (side_by_side, range(1, 64)),
    "fragments at every level (spreads)": (at_every_level, range(1, 32)),
    "fragments chained ×2 (fragments)": (chained(2), range(2, 64)),
    "fragments chained ×4 (fragments)": (chained(4), range(2, 64)),
    "fragments chained ×8 (fragments)": (chained(8), range(2, 64)),
    "most fields (groups of 14)": (most_fields, range(1, 64)),
    "most selections (selections)": (most_selections, range(1, 600)),
}


def largest(make: Callable[[int], str], sizes: range, *, bounded: bool) -> int:
    """The largest size that parses within the token limit (and passes the bounds)."""
    best = sizes.start
    for size in sizes:
        try:
            node = parse(make(size), max_tokens=SETTINGS.max_tokens)
        except GraphQLError:
            break
        if bounded and shape_problem(node):
            break
        best = size
    return best


class LoopLag:
    """How late a 1 ms ticker wakes up: what every other request on the loop waits."""

    def __init__(self) -> None:
        self.worst = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _tick(self) -> None:
        while True:
            start = time.perf_counter()
            await asyncio.sleep(0.001)
            self.worst = max(self.worst, time.perf_counter() - start - 0.001)

    def __enter__(self) -> LoopLag:
        self._task = asyncio.get_running_loop().create_task(self._tick())
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()


async def process(document: str, *, bounded: bool) -> tuple[float, str]:
    """Parse, bound and validate as a request does, in one go on the loop; the seconds it
    took and what became of the document."""
    schema = build_schema()._schema
    rules = [*specified_rules, *validation_rules(10, 30, introspection=True)]
    start = time.perf_counter()
    try:
        node = parse(document, max_tokens=SETTINGS.max_tokens)
    except GraphQLError:
        return time.perf_counter() - start, "over the token limit"
    if bounded and (problem := shape_problem(node)):
        return time.perf_counter() - start, f"refused: {problem}"
    signal.setitimer(signal.ITIMER_REAL, STOP_AFTER)
    try:
        errors = validate(schema, node, rules)
    except TimeoutError:
        return time.perf_counter() - start, f"stopped after {STOP_AFTER:.0f} s"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    verdict = "valid" if not errors else f"invalid: {errors[0].message[:40]}"
    return time.perf_counter() - start, verdict


async def measure(document: str, *, bounded: bool) -> tuple[float, float, str]:
    """The median time and loop lag over ROUNDS (this machine is shared: single rounds
    scatter), and the verdict."""
    times, lags, verdict = [], [], ""
    for _ in range(ROUNDS):
        await asyncio.sleep(0.005)  # let the ticker settle
        with LoopLag() as lag:
            await asyncio.sleep(0.002)
            seconds, verdict = await process(document, bounded=bounded)
            await asyncio.sleep(0.002)
        times.append(seconds)
        lags.append(lag.worst)
    return statistics.median(times), statistics.median(lags), verdict


Row = tuple[str, int, float, float, int, float, float, str]


async def run() -> list[Row]:
    rows = []
    for family, (make, sizes) in FAMILIES.items():
        before_size = largest(make, sizes, bounded=False)
        after_size = largest(make, sizes, bounded=True)
        b_time, b_lag, _ = await measure(make(before_size), bounded=False)
        a_time, a_lag, verdict = await measure(make(after_size), bounded=True)
        # What the bounds do with the document that stalled before: refuse it, cheaply.
        r_time, r_lag, _ = await measure(make(before_size), bounded=True)
        rows.append((family, before_size, b_time, b_lag, after_size, a_time, a_lag, verdict))
        rows.append(
            (
                family + ", refused",
                before_size,
                b_time,
                b_lag,
                before_size,
                r_time,
                r_lag,
                "refused",
            )
        )
        console.log(family)
    return rows


def main() -> None:
    signal.signal(signal.SIGALRM, _stop)
    build_schema()  # built once, as in a server
    rows = asyncio.run(run())
    table = Table(title=f"Parse + bounds + validation, median of {ROUNDS} rounds (ms, loop lag ms)")
    for column in ("family", "before: size", "ms (lag)", "after: size", "ms (lag)", "verdict"):
        table.add_column(column)
    for family, b_size, b_time, b_lag, a_size, a_time, a_lag, verdict in rows:
        table.add_row(
            family,
            str(b_size),
            f"{b_time * 1000:.1f} ({b_lag * 1000:.1f})",
            str(a_size),
            f"{a_time * 1000:.1f} ({a_lag * 1000:.1f})",
            verdict[:40],
        )
    console.print(table)
    console.print(
        f"worst before: {max(r[2] for r in rows) * 1000:.1f} ms validating, "
        f"loop lag {max(r[3] for r in rows) * 1000:.1f} ms"
    )
    console.print(
        f"worst after:  {max(r[5] for r in rows) * 1000:.1f} ms, "
        f"loop lag {max(r[6] for r in rows) * 1000:.1f} ms "
        f"(largest documents within the bounds, and the refused ones)"
    )


if __name__ == "__main__":
    main()
