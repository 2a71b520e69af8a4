"""Connecting to MongoDB (or FerretDB), initialising Beanie and ensuring indexes safely."""

from __future__ import annotations

import logging
from datetime import UTC
from typing import Any

from beanie import Document, init_beanie
from beanie.odm.fields import IndexModelField
from bson.codec_options import DatetimeConversion
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import ConnectionFailure, ExecutionTimeout

from foundation.errors import ServiceUnavailable
from foundation.settings import Settings
from models import DOCUMENTS, READER_INDEXES

log = logging.getLogger(__name__)
DEFAULT_TIMEOUT_MS = 2000
RETRY_AFTER_SECONDS = 5
# ServerSelectionTimeoutError, AutoReconnect, NetworkTimeout and WaitQueueTimeoutError included;
# ExecutionTimeout: an operation's time budget ran out (a busy database), also worth a retry.
DATABASE_ERRORS: tuple[type[Exception], ...] = (ConnectionFailure, ExecutionTimeout)


def connect(
    uri: str, *, timeout_ms: int = DEFAULT_TIMEOUT_MS, socket_timeout_ms: int | None = None
) -> AsyncMongoClient[dict[str, Any]]:
    """A client whose every wait (server selection, connect, socket) is bounded by timeout_ms.

    ``socket_timeout_ms`` bounds a single command's reply instead, for batch work (a CLI import
    writes hundreds of leads per command; a busy database may take seconds over them).
    """
    return AsyncMongoClient(
        uri,
        tz_aware=True,
        # datetime's own UTC, not bson's Python-level one: every comparison of two moments calls
        # both sides' utcoffset (a view's trends compared 5 500 of them through Python calls)
        tzinfo=UTC,
        # a date beyond datetime's years 1-9999 (valid BSON; another writer may store one) comes
        # back as bson's DatetimeMS instead of failing the whole reply it is in: one such
        # document stopped every scan of `interactions` and made its tenant unreadable
        datetime_conversion=DatetimeConversion.DATETIME_AUTO,
        serverSelectionTimeoutMS=timeout_ms,
        connectTimeoutMS=timeout_ms,
        socketTimeoutMS=socket_timeout_ms or timeout_ms,
        waitQueueTimeoutMS=timeout_ms,
    )


async def open_database(
    settings: Settings, *, socket_timeout_ms: int | None = None
) -> tuple[AsyncMongoClient[dict[str, Any]], AsyncDatabase[dict[str, Any]]]:
    """Connect to the settings' database and prepare it (Beanie, indexes): (client, database)."""
    if not settings.mongodb_uri:
        raise RuntimeError("MONGODB_URI is not set")
    client = connect(
        settings.mongodb_uri,
        timeout_ms=settings.mongodb_timeout_ms,
        socket_timeout_ms=socket_timeout_ms or settings.mongodb_socket_timeout_ms,
    )
    db = client[settings.mongodb_db]
    await init_database(db, reader_indexes=settings.reader_indexes)
    return client, db


def unavailable(exc: BaseException) -> ServiceUnavailable:
    """The 503 a lost database connection becomes (the driver's message is not shown)."""
    log.warning("database unavailable: %s", type(exc).__name__)
    return ServiceUnavailable(
        "the database is unavailable; retry shortly", retry_after=RETRY_AFTER_SECONDS
    )


async def init_database(db: AsyncDatabase[dict[str, Any]], *, reader_indexes: str = "auto") -> None:
    """Initialise Beanie without its index creation, then ensure indexes one at a time.

    ``reader_indexes`` (the READER_INDEXES setting): whether to create the indexes only other
    readers use (models.READER_INDEXES); ``auto``: on MongoDB, not on FerretDB.
    """
    await init_beanie(database=db, document_models=list(DOCUMENTS), skip_indexes=True)
    readers = reader_indexes == "on" or (reader_indexes == "auto" and not await is_ferretdb(db))
    created = await ensure_indexes(DOCUMENTS, readers=readers)
    if created:
        log.info("created %d index(es)", created)


async def is_ferretdb(db: AsyncDatabase[dict[str, Any]]) -> bool:
    """Whether the server is FerretDB (its buildInfo names its version; MongoDB's does not).

    On FerretDB-SQLite an index is a B-tree over an expression of each stored document's JSON:
    every insert and update evaluates and writes every index of its collection. The reader
    indexes were ~35 % of its CPU in a 100k-row import and 10-27 % in an event load.
    """
    info = await db.client.admin.command("buildInfo")
    return "ferretdbVersion" in info


async def ensure_indexes(documents: tuple[type[Document], ...], *, readers: bool = True) -> int:
    """Create each missing index with its own call (FerretDB breaks on batched re-creation).

    ``readers``: also the indexes only other readers use (models.READER_INDEXES). Existing
    indexes are never dropped.
    """
    created = 0
    for document in documents:
        collection = document.get_pymongo_collection()
        existing = await _index_names(collection)
        skipped = frozenset() if readers else READER_INDEXES.get(collection.name, frozenset())
        for index in document.get_settings().indexes or []:
            spec = (index.index if isinstance(index, IndexModelField) else index).document
            if spec["name"] in existing or spec["name"] in skipped:
                continue
            options = {k: v for k, v in spec.items() if k not in ("key", "name")}
            await collection.create_index(list(spec["key"].items()), name=spec["name"], **options)
            created += 1
    return created


async def _index_names(collection: Any) -> set[str]:
    try:
        return set(await collection.index_information())
    except Exception:  # the collection does not exist yet
        return set()


async def ping(db: AsyncDatabase[dict[str, Any]]) -> None:
    """Raise unless the database answers."""
    await db.command("ping")
