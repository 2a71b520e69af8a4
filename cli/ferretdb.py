"""The embedded development database: FerretDB with SQLite storage in a local folder."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
BUILD_SCRIPT = REPO_ROOT / "tools" / "ferretdb" / "build.sh"
URI_FILE = "uri"


# WAL (FerretDB's default) with synchronous=NORMAL: a commit no longer waits for fsync, so
# each write costs about 1 ms instead of 3 ms. Nothing is lost when a process crashes; a power
# cut can roll back the last commits. This is the embedded development and test database;
# production runs MongoDB with its own durability settings.
# wal_autocheckpoint(20000): SQLite folds the WAL back into the database every 20 000 pages
# (~80 MB) instead of every 1 000. With readers holding snapshots, the default made nearly every
# commit of a sustained event load re-scan a WAL it could not fully checkpoint (15 % of FerretDB's
# CPU, measured with perf); the WAL file grows to that size before it is reused.
# cache_size(-262144): each SQLite connection keeps up to 256 MB of pages (allocated as pages are
# read; SQLite's default is 2 MB). At 100k leads the database is ~500 MB and an event or an import
# touches random pages of it: with 2 MB nearly every page was read again with a system call and
# parsed again. Measured (2026-11-30, same harness, back to back): a 100k-row import 16.2 / 19.4 s
# -> 15.5 / 16.9 s of FerretDB CPU; an event load 2.9-3.4 -> 2.5-2.7 units of FerretDB CPU per
# unit of the server's. database/sql hands out the most recently used connection first, so only
# the few busy connections fill theirs (FerretDB's resident memory after both: 222 MB).
SQLITE_OPTIONS = (
    "_pragma=synchronous(normal)&_pragma=wal_autocheckpoint(20000)&_pragma=cache_size(-262144)"
)

# Go's garbage collector runs when the heap has grown by GOGC % since the last collection (100 by
# default). FerretDB allocates a Go value for every field of every document it decodes or
# encodes, so at 100 the collector took 10-25 % of its CPU (perf: events, index builds). At 400 it
# runs a quarter as often; the heap stays in the tens of MB. A GOGC set in the environment wins.
DEFAULT_GOGC = "400"


def ferretdb_environment() -> dict[str, str]:
    """The environment the embedded FerretDB runs with."""
    return {**os.environ, "GOGC": os.environ.get("GOGC", DEFAULT_GOGC)}


class EmbeddedDatabaseError(RuntimeError):
    """The embedded FerretDB could not be built or started."""


@dataclass
class EmbeddedFerretDB:
    """A FerretDB child process listening on 127.0.0.1:port, storing data under data_dir."""

    binary: Path
    data_dir: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    @property
    def uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/"

    def start(self, timeout: float = 30.0) -> EmbeddedFerretDB:
        """Start FerretDB and wait until it accepts connections."""
        ensure_binary(self.binary)
        sqlite_dir = self.data_dir / "sqlite"
        state_dir = self.data_dir / "state"
        sqlite_dir.mkdir(parents=True, exist_ok=True)
        state_dir.mkdir(parents=True, exist_ok=True)
        self.port = self.port or free_port()
        log_file = (self.data_dir / "ferretdb.log").open("ab")
        self.process = subprocess.Popen(
            [
                str(self.binary),
                "--handler=sqlite",
                f"--sqlite-url=file:{sqlite_dir.resolve()}/?{SQLITE_OPTIONS}",
                f"--listen-addr=127.0.0.1:{self.port}",
                "--telemetry=disable",
                "--debug-addr=-",
                f"--state-dir={state_dir.resolve()}",
                "--log-level=warn",
            ],
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            env=ferretdb_environment(),
        )
        log_file.close()
        self._wait_ready(timeout)
        (self.data_dir / URI_FILE).write_text(self.uri)
        return self

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise EmbeddedDatabaseError(
                    f"FerretDB exited with code {self.process.returncode}; "
                    f"see {self.data_dir / 'ferretdb.log'}"
                )
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        self.stop()
        raise EmbeddedDatabaseError(f"FerretDB did not listen on port {self.port} in {timeout}s")

    def stop(self, timeout: float = 10.0) -> None:
        """Stop FerretDB gracefully (SIGTERM), killing it if it does not exit in time."""
        (self.data_dir / URI_FILE).unlink(missing_ok=True)
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def running_uri(data_dir: Path) -> str | None:
    """The URI of an embedded FerretDB started from data_dir that still accepts connections."""
    path = data_dir / URI_FILE
    if not path.exists():
        return None
    uri = path.read_text().strip()
    port = int(uri.rstrip("/").rsplit(":", 1)[-1])
    with socket.socket() as sock:
        return uri if sock.connect_ex(("127.0.0.1", port)) == 0 else None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ensure_binary(binary: Path) -> None:
    """Build FerretDB from tools/ferretdb when the binary is missing (needs Go)."""
    if binary.exists():
        return
    if shutil.which("go") is None:
        raise EmbeddedDatabaseError(
            "Go is needed to build the embedded FerretDB; install Go >= 1.24 or set MONGODB_URI"
        )
    binary.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "GOFLAGS": os.environ.get("GOFLAGS", "")}
    result = subprocess.run(
        ["bash", str(BUILD_SCRIPT), str(binary.resolve())], env=env, check=False
    )
    if result.returncode != 0 or not binary.exists():
        raise EmbeddedDatabaseError(f"building FerretDB failed (exit {result.returncode})")
