"""The composition root: the replay app and the admin app assembled into one ASGI app.

``serve`` never imports ``admin``; this module is the one place that joins them, used by
``stubforge serve``, the pytest plugin's in-process server and the tests.
"""

from __future__ import annotations

from stubforge.admin.app import create_admin
from stubforge.serve.access_log import AccessLog
from stubforge.serve.dispatcher import Dispatcher
from stubforge.serve.replay import ReplayApp
from stubforge.serve.state import ServerState


def build_app(state: ServerState) -> Dispatcher:
    """The whole server for ``state``: ``/__admin`` to FastAPI, the rest to replay."""
    replay = ReplayApp(state)
    if state.journal.enabled:
        replay.observers.append(state.journal.observe)
    if state.config.metrics:
        replay.observers.append(state.metrics.observe)
    if state.config.access_log:
        replay.observers.append(AccessLog().observe)
    return Dispatcher(state, replay, create_admin(state))
