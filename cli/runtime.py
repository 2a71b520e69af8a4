"""What the CLI commands share: settings, services, the embedded database, console output."""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import typer
from pymongo.errors import PyMongoError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from cli.ferretdb import EmbeddedDatabaseError, EmbeddedFerretDB, running_uri
from cli.ports import PortUnavailable, ensure_port_free
from foundation.logs import configure_logging
from foundation.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:  # imported where used: sign-in, cache and limits cost a command ~0.8 s
    from api.services import Services
    from models import ApiKey
    from scoring.service import ScoreService

log = logging.getLogger(__name__)

console = Console(stderr=True, soft_wrap=True)  # a line is not cut at 80 columns when piped
DATABASE_UNAVAILABLE = 3  # the exit code of a data command that could not reach the database
T = TypeVar("T")


def load_or_exit(**overrides: Any) -> Settings:
    """The settings, or exit 2 naming the setting that is wrong."""
    try:
        return load_settings(**overrides)
    except SettingsError as exc:
        console.print(f"[red]configuration error[/red] {exc}")
        raise typer.Exit(2) from None


def connected_settings() -> Settings:
    """Settings with a database: MONGODB_URI, or the embedded one `make run` started."""
    settings = load_or_exit()
    if not settings.mongodb_uri:
        embedded = running_uri(settings.data_dir / "ferretdb")
        if embedded is None:
            console.print(
                "[red]configuration error[/red] MONGODB_URI: required for this command "
                "(or keep `make run` running: its embedded database is then used)"
            )
            raise typer.Exit(2)
        console.print(f"using the embedded database of `make run` ({embedded})")
        settings = load_or_exit(mongodb_uri=embedded)
    # a command's own lines are for the person at the terminal: the service's INFO lines (the
    # audit record of an import, as JSON) only when LOG_LEVEL asks for them
    configure_logging(settings.log_level if "LOG_LEVEL" in os.environ else "WARNING")
    return settings


async def prepare(settings: Settings, *, seed: bool) -> int:
    """Seed the demo tenant when asked and print its sign-ins; the exit code."""

    from cli.seed import seed_demo

    async def run(services: Services) -> int:
        if seed:
            result = await seed_demo(services.scores)
            if result.created:
                console.print(f"seeded the demo tenant: {result.users} users, {result.leads} leads")
            print_demo_logins()
        return 0

    return await with_services(settings, run)


def print_demo_logins() -> None:
    """Print the demo tenant's users and password."""
    from cli.seed import DEMO_PASSWORD, DEMO_TENANT_ID, DEMO_USERS

    console.print(
        f"demo tenant [bold]{DEMO_TENANT_ID}[/bold]; sign in with password "
        f"[bold]{DEMO_PASSWORD}[/bold] as:"
    )
    for email, name, role in DEMO_USERS:
        console.print(f"  {email:<24} {role.value:<8} {name}")


BATCH_SOCKET_TIMEOUT_MS = 120_000


async def with_services(settings: Settings, run: Callable[[Services], Awaitable[int]]) -> int:
    """Run a command against connected services, storing its scores and closing them after."""
    from api.bootstrap import build_services

    # Commands write in batches: a reply may take longer than a request's MONGODB_TIMEOUT_MS on
    # a busy database (a 100k-row import failed on a 2 s socket timeout); an unreachable database
    # is still reported after MONGODB_TIMEOUT_MS.
    try:
        services = await build_services(settings, socket_timeout_ms=BATCH_SOCKET_TIMEOUT_MS)
    except PyMongoError as exc:
        return unreachable(settings, exc)
    try:
        code = await run(services)
        await services.scores.drain()  # store the scores of what the command wrote
        return code
    except PyMongoError as exc:
        return database_lost(exc)
    finally:
        await services.cache.close()
        await services.client.close()


async def with_scores(
    settings: Settings,
    run: Callable[[ScoreService], Awaitable[int]],
    *,
    leads_on_demand: bool = False,
) -> int:
    """Run a data command (import, recompute, keys) with the database and the scores only,
    storing its scores and closing the connection after.

    Such a command needs no sign-in, cache or rate limits: not loading them (JWT, argon2, Redis,
    `limits`) takes ~0.8 s off its start. With `leads_on_demand`, a tenant's index holds only
    the leads the command writes (`scoring.read_model.LeadsOnDemand`), for commands that write.
    """
    from api.database import open_database
    from scoring.config import default_config
    from scoring.read_model import LeadsOnDemand
    from scoring.service import ScoreService

    try:
        client, _ = await open_database(settings, socket_timeout_ms=BATCH_SOCKET_TIMEOUT_MS)
    except PyMongoError as exc:
        return unreachable(settings, exc)
    try:
        defaults = default_config(settings)
        model = LeadsOnDemand(defaults) if leads_on_demand else None
        scores = ScoreService(defaults, model)
        try:
            code = await run(scores)
        except PyMongoError as exc:
            return database_lost(exc)
        try:
            await scores.drain()  # store the scores of what the command wrote
        except PyMongoError as exc:  # what was written stays written; only its scores wait
            console.print(
                f"[yellow]warning[/yellow] {scores.persister.pending} score document(s) not "
                f"stored: the database is unavailable ({type(exc).__name__}); a running "
                "server or `leadscore recompute` stores them"
            )
        return code
    finally:
        await client.close()


async def known_tenant(tenant_id: str) -> bool:
    """Whether the tenant exists; if not, says so (the command then exits 2)."""
    from models import Tenant

    if await Tenant.find_one({"_id": tenant_id}) is None:
        console.print(f"[red]error[/red] --tenant {tenant_id}: no such tenant")
        return False
    return True


def unreachable(settings: Settings, exc: PyMongoError) -> int:
    """Report a database the command could not reach (one line); the exit code."""
    console.print(
        f"[red]error[/red] cannot reach the database (MONGODB_URI, {type(exc).__name__} "
        f"after MONGODB_TIMEOUT_MS={settings.mongodb_timeout_ms}); nothing was changed"
    )
    return DATABASE_UNAVAILABLE


def database_lost(exc: PyMongoError) -> int:
    """Report a database lost while the command ran (one line); the exit code."""
    console.print(
        f"[red]error[/red] the database became unavailable ({type(exc).__name__}); what was "
        "written before stays written: run the command again once it is back"
    )
    return DATABASE_UNAVAILABLE


def require_free_port(host: str, port: int) -> None:
    """Exit 1 with a clear message when the port is taken."""
    try:
        ensure_port_free(host, port)
    except PortUnavailable as exc:
        console.print(f"[red]error[/red] {exc}")
        raise typer.Exit(1) from None


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from a synchronous command."""
    return asyncio.run(coro)


def start_embedded(settings: Settings) -> EmbeddedFerretDB:
    """Start the embedded FerretDB, or exit 1 with its error."""
    console.print("starting the embedded FerretDB (SQLite) …")
    try:
        return EmbeddedFerretDB(
            binary=settings.ferretdb_bin, data_dir=settings.data_dir / "ferretdb"
        ).start()
    except EmbeddedDatabaseError as exc:
        console.print(f"[red]database error[/red] {exc}")
        raise typer.Exit(1) from None


def dev_secret(data_dir: Path) -> str:
    """The persistent dev signing secret (created once, mode 600)."""
    path = data_dir / "dev-auth-secret"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


async def store_scores(scores: ScoreService) -> None:
    """Write the score documents a command left pending, with a progress bar (they are stored
    for other consumers: ~1 minute for 100k new leads on FerretDB)."""
    persister = scores.persister
    if not persister.pending:
        return
    with progress_bar() as progress:
        task = progress.add_task("storing scores", total=persister.pending)
        while persister.pending:
            progress.advance(task, await persister.flush(1000))


@asynccontextmanager
async def storing_scores_meanwhile(scores: ScoreService, every: int = 1000) -> AsyncIterator[None]:
    """Store score documents in the background while the block runs, ``every`` at a time.

    An import used to store all its scores after the last row, the database idle while rows
    were read and this process idle while scores were written. The rest is left to
    `store_scores`. The block's writes and these go to the database side by side, as the
    server's background storage does.
    """
    persister = scores.persister
    done = asyncio.Event()

    async def store() -> None:
        while not done.is_set():
            if persister.pending >= every:
                try:
                    await persister.flush(every)
                except Exception:  # the leads stay pending: store_scores tries them again
                    log.warning("storing scores during the import failed; trying at the end")
                    return
            else:
                with suppress(TimeoutError):
                    await asyncio.wait_for(done.wait(), 0.05)

    task = asyncio.create_task(store())
    try:
        yield
    finally:
        done.set()
        await task  # a flush under way is finished, not cut (its leads would stay pending)


def progress_bar() -> Progress:
    """A progress bar on stderr for long commands."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )


def key_line(key: ApiKey) -> str:
    """An ingestion key as `apikey list` prints it: id, prefix, name, state, last use."""
    state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
    used = f"{key.last_used_at:%Y-%m-%d %H:%M}Z" if key.last_used_at else "never"
    return f"{key.key_id}\t{key.prefix}…\t{key.name}\t{state}\tlast used {used}"
