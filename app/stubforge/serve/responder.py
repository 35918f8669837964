"""The responder: the only code that waits, streams slowly or breaks connections.

It carries out a :class:`~stubforge.serve.pipeline.Plan`: sleep the planned delay (never
blocking other requests), then send the response -- at once, in timed pieces for a slow
body, or event by event for an event stream -- or inject the wire fault through the
:mod:`stubforge.serve.wire` extension.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from stubforge.behave.dribble import pieces
from stubforge.behave.faults import FaultPlan
from stubforge.behave.streams import StreamPlan
from stubforge.model.faults import Fault
from stubforge.serve.asgi import Receive, Scope, Send
from stubforge.serve.pipeline import Plan
from stubforge.serve.prepared import Prepared, json_response
from stubforge.serve.wire import Wire, wire_of

log = logging.getLogger("stubforge")


CLIENT_CLOSED = 499
"""The status journaled and counted for a request whose client closed the connection
before the whole answer was sent (nginx's convention): no client saw a 200."""


def _client_gone(scope: Scope) -> bool:
    wire = wire_of(scope)
    return wire is not None and wire.closing


async def respond(plan: Plan, scope: Scope, receive: Receive, send: Send) -> None:
    if plan.delay > 0:
        # the delay counts from the request's arrival, so matching and reading the body
        # are part of it rather than added to it
        left = plan.delay - (time.time() - plan.outcome.started)
        if left > 0:
            await asyncio.sleep(left)
    if plan.fault is not None:
        wire = wire_of(scope)
        if wire is None:  # another ASGI server: no socket access, say so instead
            await _send(send, _unsupported(plan.fault), plan)
            return
        await _inject(plan.fault, wire, receive)
        return
    assert plan.response is not None
    if _client_gone(scope):  # it gave up while we waited: nothing was received
        plan.outcome.status = CLIENT_CLOSED
        return
    response = plan.response.with_headers(plan.extra) if plan.extra else plan.response
    if plan.head:
        await send(response.start)
        await send({"type": "http.response.body", "body": b""})
    elif plan.events is not None:
        await _events(send, response, plan.events, plan, scope, receive)
    elif plan.dribble is not None and len(response.body) > 1:
        await _dribble(send, response, plan, scope)
    else:
        await send(response.start)
        await send(response.body_message)


async def _send(send: Send, response: Prepared, plan: Plan) -> None:
    response = response.with_headers(plan.extra) if plan.extra else response
    await send(response.start)
    await send(response.body_message)


async def _dribble(send: Send, response: Prepared, plan: Plan, scope: Scope) -> None:
    assert plan.dribble is not None
    parts, pause = pieces(plan.dribble, response.body)
    await send(response.start)
    last = len(parts) - 1
    for i, part in enumerate(parts):
        await send({"type": "http.response.body", "body": part, "more_body": i < last})
        if i < last:
            await asyncio.sleep(pause)
            if _client_gone(scope):
                plan.outcome.status = CLIENT_CLOSED
                return


async def _events(
    send: Send, response: Prepared, stream: StreamPlan, plan: Plan, scope: Scope, receive: Receive
) -> None:
    """Each event as its own body piece at its planned time, then the end or the cut.

    Times are kept against a clock started at the headers, so the time a send takes is not
    added to the next gap."""
    await send(response.start)
    loop = asyncio.get_running_loop()
    due = loop.time()
    for delay, piece in stream.pieces:
        due += delay
        left = due - loop.time()
        if left > 0:
            await asyncio.sleep(left)
        if _client_gone(scope):
            plan.outcome.status = CLIENT_CLOSED
            return
        await send({"type": "http.response.body", "body": piece, "more_body": True})
    if stream.ending == "end":
        await send({"type": "http.response.body", "body": b""})
        return
    wire = wire_of(scope)
    if wire is None:  # another ASGI server: no socket access, end the body instead
        log.warning("stream cut %s needs the stubforge server", stream.ending)
        await send({"type": "http.response.body", "body": b""})
        return
    if stream.ending == "stall":
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(_disconnected(receive), stream.hold)
    if stream.ending == "reset":
        wire.reset()
    else:
        wire.close()


async def _inject(fault: FaultPlan, wire: Wire, receive: Receive) -> None:
    if fault.fault is Fault.TIMEOUT:
        # hold the connection without a byte until the client gives up or the hold ends
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(_disconnected(receive), fault.hold)
    elif fault.data:
        wire.write(fault.data)
    if fault.reset:
        wire.reset()
    else:
        wire.close()


async def _disconnected(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


def _unsupported(fault: FaultPlan) -> Prepared:
    log.warning(
        "fault %s needs the stubforge server (uvicorn with the wire extension)", fault.fault.value
    )
    return json_response(
        500, {"error": "fault not supported by this server", "fault": fault.fault.value}
    )
