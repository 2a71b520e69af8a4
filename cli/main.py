"""The `leadscore` command: serve, dev, create-admin, seed, import, recompute, apikey."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from pymongo.errors import PyMongoError

from auth import apikeys
from auth.directory import Directory
from cli.ferretdb import EmbeddedFerretDB
from cli.importer import ImportFileError, count_rows, import_csv, load_map
from cli.runtime import (
    DATABASE_UNAVAILABLE,
    connected_settings,
    console,
    dev_secret,
    key_line,
    known_tenant,
    load_or_exit,
    prepare,
    progress_bar,
    require_free_port,
    run_async,
    start_embedded,
    store_scores,
    storing_scores_meanwhile,
    with_scores,
    with_services,
)
from foundation.audit import record_write
from foundation.errors import AppError
from foundation.logs import configure_logging
from foundation.settings import SettingsError, weak_secret
from models import Tenant

if TYPE_CHECKING:  # the server, sign-in and limits load only in the commands that use them
    from api.services import Services
    from scoring.service import ScoreService

T = TypeVar("T")
app = typer.Typer(help="Leadscore: explainable lead scoring.", no_args_is_help=True)
apikey_app = typer.Typer(help="Ingestion keys (`lsk_…`) of a tenant.", no_args_is_help=True)
app.add_typer(apikey_app, name="apikey")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind")] = "0.0.0.0",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            help="Worker processes (each holds its own score index; see README 'Workers')",
            envvar="WEB_CONCURRENCY",
            min=1,
            max=64,
        ),
    ] = 1,
) -> None:
    """Serve in production: needs MONGODB_URI and AUTH_SECRET (or JWKS_URI)."""
    settings = load_or_exit()
    try:
        settings.require_production_ready()
    except SettingsError as exc:
        console.print(f"[red]configuration error[/red] {exc}")
        raise typer.Exit(2) from None
    require_free_port(host, port)
    configure_logging(settings.log_level)
    if (warning := weak_secret(settings)) is not None:  # a log line, as the workers' are
        logging.getLogger("leadscore.serve").warning(warning)
    import uvicorn

    uvicorn.run(
        "server.asgi:app",
        host=host,
        port=port,
        workers=workers,
        factory=False,
        loop="uvloop",
        http="httptools",
        proxy_headers=True,
        forwarded_allow_ips=list(settings.forwarded_allow_ips),
        timeout_keep_alive=settings.keep_alive_seconds,
        log_config=None,
    )


@app.command()
def dev(
    host: Annotated[str, typer.Option(help="Interface to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    seed: Annotated[bool, typer.Option(help="Seed the demo tenant on first run")] = True,
) -> None:
    """Develop locally: embedded FerretDB unless MONGODB_URI is set, demo data, GraphiQL."""
    os.environ.setdefault("LEADSCORE_ENV", "development")
    base = load_or_exit()
    require_free_port(host, port)
    overrides: dict[str, Any] = {}
    if not base.auth_secret:
        overrides["auth_secret"] = dev_secret(base.data_dir)
    database: EmbeddedFerretDB | None = None
    if not base.mongodb_uri:
        database = start_embedded(base)
        overrides["mongodb_uri"] = database.uri
    settings = load_or_exit(**overrides)
    configure_logging(settings.log_level)
    # uvicorn re-raises SIGTERM after its shutdown: exit through `finally` (stops the database).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    try:
        code = run_async(prepare(settings, seed=seed))
        if code:
            raise typer.Exit(code)
        console.print(
            f"[green]Leadscore[/green] on http://{host}:{port}  "
            f"(GraphiQL: http://{host}:{port}/graphql) — Ctrl-C stops it"
        )
        # The server (GraphQL schema, routes) loads only for the commands that serve it: the
        # others (import, apikey, seed, …) start in a fraction of the time.
        import uvicorn

        from server.app import create_app

        uvicorn.run(
            create_app(settings, settle_heap=True),
            host=host,
            port=port,
            log_config=None,
            loop="uvloop",
            http="httptools",
            proxy_headers=True,
            forwarded_allow_ips=list(settings.forwarded_allow_ips),
            timeout_keep_alive=settings.keep_alive_seconds,
        )
    finally:
        if database is not None:
            database.stop()
            console.print(
                f"embedded database stopped; data kept in {(base.data_dir / 'ferretdb').resolve()}"
            )


@app.command("create-admin")
def create_admin_command(
    tenant_name: Annotated[str, typer.Option("--tenant-name", help="Name of the new tenant")],
    email: Annotated[str, typer.Option("--email", help="The admin's email (sign-in name)")],
    name: Annotated[str, typer.Option("--name", help="The admin's display name")] = "Admin",
) -> None:
    """Create a tenant and its admin (password prompted twice, or read from stdin)."""
    from cli.admin import AdminError, create_admin, read_password

    settings = connected_settings().model_copy(update={"signup_enabled": True})
    try:
        password = read_password()
    except AdminError as exc:
        console.print(f"[red]error[/red] {exc}")
        raise typer.Exit(exc.exit_code) from None

    async def run(services: Services) -> int:
        try:
            tenant_id = await create_admin(
                services, tenant_name=tenant_name, email=email, name=name, password=password
            )
        except AdminError as exc:
            console.print(f"[red]error[/red] {exc}")
            return exc.exit_code
        console.print(f"created tenant {tenant_id!r} and its admin; sign in with that email")
        print(tenant_id)
        return 0

    raise typer.Exit(run_async(with_services(settings, run)))


@app.command("seed")
def seed_command() -> None:
    """Create the demo tenant (admin, manager, 4 reps, 240 leads) unless it exists."""
    settings = connected_settings()
    raise typer.Exit(run_async(prepare(settings, seed=True)))


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="CSV with a header row of interaction fields")],
    tenant: Annotated[str, typer.Option("--tenant", help="Tenant id to import into")],
    column_map: Annotated[
        str | None,
        typer.Option(
            "--map",
            help="Column mapping: `hubspot`, `salesforce`, or a JSON file {ourField: theirColumn}",
        ),
    ] = None,
) -> None:
    """Import interactions from CSV: bad rows are reported by line, good rows upserted."""
    settings = connected_settings()
    if not file.exists():
        console.print(f"[red]error[/red] {file}: no such file")
        raise typer.Exit(2)
    if not file.is_file():
        console.print(f"[red]error[/red] {file}: not a regular file")
        raise typer.Exit(2)
    try:
        mapping = load_map(column_map) if column_map else None
    except ImportFileError as exc:
        console.print(f"[red]error[/red] {exc}")
        raise typer.Exit(2) from None
    try:
        total = count_rows(file, mapping)
    except ImportFileError as exc:  # before anything is imported
        console.print(f"[red]error[/red] {exc}")
        raise typer.Exit(2) from None

    async def run(scores: ScoreService) -> int:
        try:
            return await imported(scores)
        except PyMongoError as exc:  # after the batches' own retries
            console.print(
                f"[red]error[/red] the database is unavailable ({type(exc).__name__}): the "
                "batches written before it went away are imported; running the import again "
                "is safe (rows are upserted)"
            )
            return DATABASE_UNAVAILABLE

    async def imported(scores: ScoreService) -> int:
        if not await known_tenant(tenant):
            return 2
        started = time.perf_counter()
        await scores.model.index(tenant)  # the leads of the file only, read as they come
        with progress_bar() as progress:
            task = progress.add_task("importing", total=total)
            try:
                async with storing_scores_meanwhile(scores):
                    report = await import_csv(
                        file,
                        tenant,
                        scores,
                        on_progress=lambda n: progress.advance(task, n),
                        mapping=mapping,
                        owners=await _owner_names(tenant) if mapping else None,
                        on_retry=lambda message: console.print(
                            f"[yellow]warning[/yellow] {message}"
                        ),
                    )
            except ImportFileError as exc:
                console.print(f"[red]error[/red] {exc}")
                return 2
        rejected = len(report.rejected)
        await record_write(None, "import", report.rows, report.imported, rejected, tenant_id=tenant)
        for line, errors in report.rejected:
            problems = "; ".join(f"{e.field} {e.message}" for e in errors)
            console.print(f"line {line}: {problems}")
        console.print(
            f"{report.rows} row(s) read, {report.imported} lead(s) imported, "
            f"{len(report.rejected)} row(s) rejected in {time.perf_counter() - started:.1f} s"
        )
        with contextlib.suppress(PyMongoError):  # left pending: with_scores reports them
            await store_scores(scores)
        return 1 if report.rejected else 0

    raise typer.Exit(run_async(with_scores(settings, run, leads_on_demand=True)))


async def _owner_names(tenant_id: str) -> dict[str, str]:
    """The tenant's users by lower-cased id, email and name (for mapped CRM exports)."""
    directory = Directory()
    await directory.load()
    names: dict[str, str] = {}
    for account in directory.users_of(tenant_id):
        for alias in (account.name, account.email, account.user_id):
            names[alias.lower()] = account.user_id
    return names


@app.command()
def recompute(
    tenant: Annotated[str | None, typer.Option("--tenant", help="Only this tenant")] = None,
) -> None:
    """Recompute every score now (all tenants, or one)."""
    settings = connected_settings()

    async def run(scores: ScoreService) -> int:
        if tenant and not await known_tenant(tenant):
            return 2
        ids = [tenant] if tenant else await Tenant.get_pymongo_collection().distinct("tenantId")
        with progress_bar() as progress:
            task = progress.add_task("recomputing", total=len(ids))
            count = 0
            for tenant_id in ids:
                count += await scores.refresh(tenant_id)
                progress.advance(task)
        console.print(f"{count} score(s) recomputed in {len(ids)} tenant(s)")
        return 0

    raise typer.Exit(run_async(with_scores(settings, run)))


@apikey_app.command("create")
def apikey_create(
    tenant: Annotated[str, typer.Option("--tenant", help="Tenant id the key writes to")],
    name: Annotated[str, typer.Option("--name", help="What uses the key, e.g. hubspot-sync")],
) -> None:
    """Create an ingestion key; the key is printed once, to stdout (store it now)."""

    async def run(_: ScoreService) -> int:
        created = await apikeys.create_key(tenant, name)
        console.print(f"created {created.record.key_id} ({created.record.name}); shown once:")
        print(created.secret)
        return 0

    raise typer.Exit(run_async(with_scores(connected_settings(), _reporting(run))))


@apikey_app.command("list")
def apikey_list(
    tenant: Annotated[str, typer.Option("--tenant", help="Tenant id")],
) -> None:
    """List the tenant's ingestion keys (prefixes only; the keys are not stored)."""

    async def run(_: ScoreService) -> int:
        if not await known_tenant(tenant):
            return 2
        keys = await apikeys.list_keys(tenant)
        print("\n".join(map(key_line, keys))) if keys else console.print("no ingestion keys")
        return 0

    raise typer.Exit(run_async(with_scores(connected_settings(), _reporting(run))))


@apikey_app.command("revoke")
def apikey_revoke(
    key_id: Annotated[str, typer.Argument(help="The key id (see `apikey list`)")],
    tenant: Annotated[str, typer.Option("--tenant", help="Tenant id")],
) -> None:
    """Revoke an ingestion key: requests with it are refused at once."""

    async def run(_: ScoreService) -> int:
        key = await apikeys.revoke_key(tenant, key_id)
        console.print(f"revoked {key.key_id} ({key.name})")
        return 0

    raise typer.Exit(run_async(with_scores(connected_settings(), _reporting(run))))


def _reporting(run: Callable[[T], Awaitable[int]]) -> Callable[[T], Awaitable[int]]:
    """The command, with an expected failure printed as one line (exit 1)."""

    async def guarded(services: T) -> int:
        try:
            return await run(services)
        except AppError as exc:
            fields = "; ".join(f"{d['field']} {d['message']}" for d in exc.details)
            console.print(f"[red]error[/red] {exc.message}" + (f" ({fields})" if fields else ""))
            return 1

    return guarded


@app.command("export-schema")
def export_schema(
    output: Annotated[Path, typer.Option(help="Where to write the SDL")] = Path("schema.graphql"),
) -> None:
    """Write the GraphQL schema (SDL) to schema.graphql."""
    from gql.schema import export_sdl

    output.write_text(export_sdl())
    console.print(f"wrote {output}")


@app.command("export-openapi")
def export_openapi(
    output: Annotated[Path, typer.Option(help="Where to write the document")] = Path(
        "openapi.json"
    ),
) -> None:
    """Write the REST routes' OpenAPI document to openapi.json."""
    from server.openapi import render
    from server.rest import openapi_document

    output.write_text(render(openapi_document()))
    console.print(f"wrote {output}")


def main() -> None:
    """Entry point for `python -m cli.main`."""
    logging.basicConfig(level=logging.WARNING)
    app()


if __name__ == "__main__":
    main()
