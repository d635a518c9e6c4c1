"""The `repairbook` command line."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import signal
from collections.abc import Awaitable, Callable, Iterator, Mapping
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
import uvicorn
from pydantic import ValidationError
from rich.console import Console
from rich.progress import Progress
from sqlalchemy.ext.asyncio import AsyncSession

from repairbook import migrate as migrations
from repairbook import webapp
from repairbook.config import ConfigurationError, Settings
from repairbook.embedded import EmbeddedServices
from repairbook.models.accounts import Role

app = typer.Typer(
    help="repairbook: self-service booking for a car repair shop.", no_args_is_help=True
)
users_app = typer.Typer(help="Create users and grant roles.", no_args_is_help=True)
app.add_typer(users_app, name="users")
console = Console(stderr=True)

Host = Annotated[str, typer.Option(help="Address to listen on.")]


def server_options(settings: Settings) -> dict[str, Any]:
    """How uvicorn serves the app, for `dev` and `serve` alike. Live-board frames are small
    and go to many subscribers: compressing each one per connection cost more CPU than it
    saved. Websocket messages are bounded like request bodies."""
    return {
        "ws_per_message_deflate": False,
        "ws_max_size": settings.max_request_bytes,
        "server_header": False,
    }


Port = Annotated[int, typer.Option(help="Port to listen on.")]


def _logging(settings: Settings) -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)-7s %(name)s: %(message)s"
    )
    for chatty in ("pgserver", "mail.log"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
    if settings.is_production:
        logging.getLogger("uvicorn.access").setLevel(logging.WARNING)


def _stop_on_sigterm() -> None:
    """SIGTERM (a service manager, `timeout`, `kill`) stops as cleanly as Ctrl-C does."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def _fail(message: str) -> NoReturn:
    """One clear line and a non-zero exit: a configuration mistake is not a crash."""
    console.print(f"[red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def _settings() -> Settings:
    try:
        settings = Settings()
        settings.check_production_ready()
    except ValidationError as error:
        _fail("; ".join(_setting_problem(problem) for problem in error.errors()))
    except ConfigurationError as error:
        _fail(str(error))
    return settings


def _setting_problem(problem: Mapping[str, Any]) -> str:
    where = problem.get("loc") or ()
    message = str(problem.get("msg", "invalid")).removeprefix("Value error, ")
    return f"REPAIRBOOK_{str(where[0]).upper()}: {message}" if where else message


@contextlib.contextmanager
def _services(*, redis: bool = True, mail: bool = False) -> Iterator[Settings]:
    """Settings with every URL set, starting embedded servers for the ones left unset."""
    settings = _settings()
    _logging(settings)
    needed = {"database_url": True, "redis_url": redis, "smtp_host": mail}
    missing = [name for name, wanted in needed.items() if wanted and not getattr(settings, name)]
    if settings.is_production and missing:
        # Embedded servers are for development; production names its own.
        _fail("production needs " + ", ".join(f"REPAIRBOOK_{n.upper()}" for n in missing))
    with EmbeddedServices(settings, with_redis=redis, with_mail_sink=mail) as services:
        for line in services.started:
            console.print(f"[green]started[/] {line}")
        for line in services.joined:
            console.print(f"[green]using[/] {line}, already running")
        yield services.settings


def _require_current_schema(settings: Settings) -> None:
    """`serve` and `worker` run against a migrated database only; they never migrate it
    themselves (two instances starting at once must not race to change the schema)."""
    from sqlalchemy.exc import DBAPIError

    assert settings.database_url
    try:
        gap = migrations.behind(settings.database_url)
    except (DBAPIError, OSError) as error:
        _fail(f"cannot reach the database: {str(error.__cause__ or error).splitlines()[0]}")
    if gap is not None:
        current, head = gap
        _fail(
            f"the database is at migration {current or 'none'}, this version needs {head}: "
            "run `repairbook migrate` first"
        )


def _migrate(settings: Settings) -> None:
    assert settings.database_url
    with console.status("Applying database migrations…"):
        migrations.upgrade(settings.database_url)
    console.print("[green]database is up to date[/]")


@app.command()
def dev(host: Host = "127.0.0.1", port: Port = 8000) -> None:
    """Run everything: API, worker, and embedded servers for whatever has no URL set."""
    _stop_on_sigterm()
    with _services(mail=True) as settings:
        if "public_url" not in settings.model_fields_set:
            # Links and picture URLs should point at this very server.
            settings = settings.model_copy(update={"public_url": f"http://{host}:{port}"})
        _migrate(settings)
        _in_transaction(functools.partial(_load_catalog, only_if_empty=True), settings)
        url = f"http://{host}:{port}/graphql"
        console.print(f"\n[bold]repairbook is running[/]: GraphiQL at [link={url}]{url}[/link]")
        if webapp.built_folder() is not None:
            site = f"http://{host}:{port}/"
            console.print(f"Book a visit in the web app: [link={site}]{site}[/link]")
        console.print("Press Ctrl-C to stop everything.\n")
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(_run_api_and_worker(settings, host, port))
    console.print("stopped")


async def _run_api_and_worker(settings: Settings, host: str, port: int) -> None:
    from repairbook.app import create_app
    from repairbook.worker import run_worker

    config = uvicorn.Config(create_app(settings), host=host, port=port, **server_options(settings))
    server = uvicorn.Server(config)
    worker_task = asyncio.create_task(run_worker(settings))
    try:
        await server.serve()
    finally:
        worker_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await worker_task


@app.command()
def serve(
    host: Host = "127.0.0.1",
    port: Port = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
) -> None:
    """Run the API only (behind a proxy, pass --host 0.0.0.0)."""
    # uvicorn catches SIGTERM itself, shuts down, and then raises it again: into the
    # handler here, so that the embedded servers this command started are stopped too.
    _stop_on_sigterm()
    with _services() as settings, contextlib.suppress(KeyboardInterrupt):
        _require_current_schema(settings)
        # Worker processes build their own app from the environment: hand them the URLs
        # of whatever was started here.
        for name in ("database_url", "redis_url"):
            os.environ[f"REPAIRBOOK_{name.upper()}"] = str(getattr(settings, name))
        uvicorn.run(
            "repairbook.app:create_app_from_environment",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            proxy_headers=True,
            **server_options(settings),
        )


@app.command()
def worker() -> None:
    """Run the background worker: email delivery and scheduled jobs."""
    from repairbook.worker import run_worker

    _stop_on_sigterm()
    with _services(mail=True) as settings, contextlib.suppress(KeyboardInterrupt):
        _require_current_schema(settings)
        asyncio.run(run_worker(settings))


@app.command()
def migrate() -> None:
    """Apply database migrations."""
    with _services(redis=False) as settings:
        _migrate(settings)


@app.command()
def seed() -> None:
    """Load the demo catalog: car models, engines, oils, parts, repair types, receptionists.

    Idempotent: what is already there is left untouched. Applies migrations first.
    """
    with _services(redis=False) as settings:
        _migrate(settings)
        _in_transaction(_load_catalog, settings)


async def _load_catalog(
    db: AsyncSession, settings: Settings, *, only_if_empty: bool = False
) -> str:
    from repairbook.catalog import demo_data
    from repairbook.catalog import seed as catalog_seed

    if only_if_empty and not await catalog_seed.is_empty(db):
        return "demo catalog: already loaded"
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("Loading the demo catalog", total=len(demo_data.MODELS) + 2)

        def step(name: str) -> None:
            progress.update(task, advance=1, description=f"Loading {name}")

        created = await catalog_seed.load_demo_catalog(db, step)
    if not created:
        return "demo catalog: nothing to add, everything is there"
    return "demo catalog: added " + ", ".join(
        f"{n} {table}" for table, n in sorted(created.items())
    )


@app.command("export-schema")
def export_schema(
    path: Annotated[Path, typer.Argument(help="Where to write the SDL.")] = Path("schema.graphql"),
    check: Annotated[
        bool, typer.Option(help="Fail if the file differs instead of writing.")
    ] = False,
) -> None:
    """Write the GraphQL schema as SDL (`schema.graphql`)."""
    from repairbook.api import sdl

    text = sdl()
    if check:
        if not path.exists() or path.read_text() != text:
            console.print(f"[red]{path} is out of date[/]: run `repairbook export-schema`")
            raise typer.Exit(1)
        console.print(f"{path} is current")
        return
    path.write_text(text)
    console.print(f"wrote {path}")


@users_app.command("create")
def users_create(
    nick: str,
    email: Annotated[str, typer.Option(help="Email address.")],
    role: Annotated[str, typer.Option(help="client, manager or admin.")] = "client",
    first_name: Annotated[str, typer.Option(prompt=True, show_default=False)] = "",
    last_name: Annotated[str, typer.Option(prompt=True, show_default=False)] = "",
    password: Annotated[
        str,
        typer.Option(prompt=True, hide_input=True, confirmation_prompt=True, show_default=False),
    ] = "",
) -> None:
    """Create a user (asks for the password)."""
    from repairbook.accounts import service as accounts
    from repairbook.accounts.passwords import PasswordHasher

    data = accounts.Registration(nick, password, email, first_name, last_name)

    async def create(db: AsyncSession, settings: Settings) -> str:
        hasher = PasswordHasher(settings.argon2_memory_kib, settings.argon2_rounds)
        user = await accounts.create_user(db, data, role=_role(role), hasher=hasher)
        return f"created {user.role.value.lower()} {user.nick} (id {user.id})"

    _in_transaction(create)


@users_app.command("set-role")
def users_set_role(nick: str, role: str) -> None:
    """Grant a role: client, manager or admin."""
    from repairbook.accounts import service as accounts

    async def grant(db: AsyncSession, settings: Settings) -> str:
        user = await accounts.set_role_by_nick(db, nick, _role(role))
        return f"{user.nick} is now {user.role.value.lower()}"

    _in_transaction(grant)


def _in_transaction(
    work: Callable[[AsyncSession, Settings], Awaitable[str]], settings: Settings | None = None
) -> None:
    """Run `work` in one unit of work against the configured (or embedded) database."""
    from repairbook.db import Database, unit_of_work
    from repairbook.errors import RepairbookError

    async def run(settings: Settings) -> str:
        assert settings.database_url
        database = Database.connect(settings.database_url)
        try:
            async with unit_of_work(database) as db:
                return await work(db, settings)
        finally:
            await database.dispose()

    with contextlib.ExitStack() as stack:
        if settings is None:
            settings = stack.enter_context(_services(redis=False))
        try:
            console.print(asyncio.run(run(settings)))
        except RepairbookError as error:
            field = f" ({error.field})" if error.field else ""
            console.print(f"[red]{error.message}[/]{field}")
            raise typer.Exit(1) from None


def _role(name: str) -> Role:
    try:
        return Role(name.strip().upper())
    except ValueError:
        raise typer.BadParameter("role must be client, manager or admin") from None
