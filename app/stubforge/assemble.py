"""The composition root: the replay app and the admin app assembled into one ASGI app.

``serve`` never imports ``admin``; this module is the one place that joins them, used by
``stubforge serve``, the pytest plugin's in-process server and the tests.
"""

from __future__ import annotations

from stubforge.admin.app import create_admin
from stubforge.serve.access_log import AccessLog
from stubforge.serve.asgi import ASGIApp
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
    if state.config.otel:
        from stubforge.serve.tracing import Tracing

        replay.observers.append(Tracing().observe)
    if state.config.validate is not None:
        return Dispatcher(state, validating(replay, state), create_admin(state))
    return Dispatcher(state, replay, create_admin(state))


def validating(replay: ReplayApp, state: ServerState) -> ASGIApp:
    """Replay behind request validation (``--validate SPEC``); a spec that cannot be read
    raises ``ValueError`` with the reason."""
    from stubforge.openapi.requests import RequestValidator, summary
    from stubforge.openapi.spec import Spec
    from stubforge.serve.validation import ValidatingApp

    assert state.config.validate is not None
    validator = RequestValidator(Spec.load(state.config.validate))
    soft = state.config.validation == "soft"
    return ValidatingApp(replay, validator, "soft" if soft else "hard", summary)
