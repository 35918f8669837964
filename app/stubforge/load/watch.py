"""Hot reload: watch the stubs directory and call back after changes settle."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from watchfiles import awatch

from stubforge.load.loader import STUB_SUFFIXES

log = logging.getLogger("stubforge")


def _relevant(change: object, path: str) -> bool:
    name = Path(path).name
    return not name.startswith(".") and not name.endswith(("~", ".swp", ".tmp"))


async def watch(
    root: Path, on_change: Callable[[], Awaitable[object]], stop: asyncio.Event
) -> None:
    """Run until ``stop`` is set; debounce 100 ms so an editor's save is one reload."""
    target = root if root.is_dir() else root.parent
    try:
        async for changes in awatch(
            target,
            watch_filter=_relevant,
            debounce=100,
            step=25,
            stop_event=stop,
            recursive=True,
        ):
            names = sorted({Path(p).name for _, p in changes})
            if any(n.endswith(STUB_SUFFIXES) for n in names) or names:
                log.info("stub files changed: %s", ", ".join(names[:5]))
                await on_change()
    except (OSError, RuntimeError) as exc:  # the directory vanished, inotify limits...
        log.error("stopped watching %s: %s", target, exc)
