"""Hot reload: watch the stubs directory and call back after changes settle.

The watcher watches each real directory below the stubs directory on its own
(non-recursively, hidden directories skipped, symbolic links to directories not
followed), so a link to ``/`` inside the stubs directory cannot make it watch the whole
file system; when the set of directories changes it starts over with the new set. A
failing callback is logged and watching goes on; any other failure ends :func:`watch`
with the exception, for its supervisor (:mod:`stubforge.serve.background`) to report and
restart it.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Protocol

from watchfiles import awatch

log = logging.getLogger("stubforge")

MAX_DIRECTORIES = 10_000
"""Directories watched at most (each costs an inotify watch)."""


class Progress(Protocol):
    def busy(self) -> None: ...
    def idle(self) -> None: ...


class _Quiet:
    def busy(self) -> None:
        pass

    def idle(self) -> None:
        pass


KUBERNETES_SWAP = "..data"
"""A mounted ConfigMap or Secret is updated by pointing the hidden ``..data`` link at a new
hidden directory (the visible files link through it): that rename is the only event."""


def _relevant(change: object, path: str) -> bool:
    name = Path(path).name
    if name == KUBERNETES_SWAP:
        return True
    return not name.startswith(".") and not name.endswith(("~", ".swp", ".tmp"))


def watched_dirs(root: Path) -> list[Path]:
    """``root`` and every real, non-hidden directory below it (links not followed)."""
    if not root.is_dir():
        raise FileNotFoundError(f"stubs directory {root} does not exist")
    found = []
    for dirpath, dirnames, _ in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        found.append(Path(dirpath))
        if len(found) >= MAX_DIRECTORIES:
            log.warning("watching only the first %d directories below %s", len(found), root)
            break
    return found


async def watch(
    root: Path,
    on_change: Callable[[], Awaitable[object]],
    stop: asyncio.Event,
    progress: Progress | None = None,
) -> None:
    """Run until ``stop`` is set; debounce 100 ms so an editor's save is one reload."""
    target = root if root.is_dir() else root.parent
    progress = progress or _Quiet()
    while not stop.is_set():
        dirs = watched_dirs(target)
        async for changes in awatch(
            *dirs,
            watch_filter=_relevant,
            debounce=100,
            step=25,
            stop_event=stop,
            recursive=False,
            ignore_permission_denied=True,
        ):
            names = sorted({Path(p).name for _, p in changes})
            log.info("stub files changed: %s", ", ".join(names[:5]))
            progress.busy()
            try:
                await on_change()
            except Exception:  # a failed reload must not end watching
                log.exception("reload after a file change failed")
            finally:
                progress.idle()
            if watched_dirs(target) != dirs:
                break  # directories came or went: watch the new set
