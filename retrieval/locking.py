"""One writer at a time: an advisory lock file beside the index, refused at once when held."""

from __future__ import annotations

import fcntl
import logging
import os
from pathlib import Path
from types import TracebackType

from retrieval.errors import StoreLockedError

logger = logging.getLogger(__name__)


class WriterLock:
    """`with WriterLock(path) as lock:` holds an exclusive flock; a second process gets
    `StoreLockedError` immediately instead of waiting. The kernel drops the lock when the
    holder dies, so a crash never leaves the index locked.

    The holder's pid stays in the file while it writes and is erased when the write completes,
    so the next holder can tell that its predecessor died or failed mid-write (`interrupted`)
    and should check the store before trusting it.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self.interrupted = False

    @staticmethod
    def holder(path: Path) -> int | None:
        """The pid of the process writing now, or of one that died while writing; None after
        a clean release. Takes no lock, so it never gets in a writer's way."""
        try:
            text = path.read_text(encoding="ascii", errors="replace").strip()
        except FileNotFoundError:
            return None
        return int(text) if text.isdigit() else None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
            os.close(fd)
            if holder == str(os.getpid()):
                holder = "another Newsbot in this process; share one instance"
            elif holder:
                holder = f"pid {holder}"
            raise StoreLockedError(self.path.parent, holder) from None
        previous = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
        self.interrupted = bool(previous)
        if previous:
            logger.warning(
                "the last writer (pid %s) stopped without finishing; checking the index", previous
            )
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        os.fsync(fd)
        self._fd = fd

    def release(self, *, completed: bool = True) -> None:
        """Unlock; `completed=False` keeps the pid so the next writer checks the store."""
        if self._fd is not None:
            if completed:
                os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> WriterLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release(completed=exc_type is None)
