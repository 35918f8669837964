"""A render budget for response templates: time and output caps per response.

Templates written by hand run on the event loop, between requests. The Jinja2 sandbox
stops escapes but not work: ``range(100000)`` nested twice, ``'x' * 10**9`` or a macro
calling itself twice per level would hold the server for minutes. The environment below
therefore checks a per-render :class:`Budget` at every point where a template can do
work -- each function or macro call, attribute and item access, loop step, binary
operator, string concatenation, filter and output chunk -- and raises
:class:`BudgetExceeded` once the render has taken longer than its time cap or produced
more than its output cap. Operations whose *result* alone would break the cap
(``'x' * 10**9``, ``2 ** 10**9``, ``center(10**9)``) are refused before they run.

The checks are cooperative: they cost one clock read per operation and bound any
template built from Jinja2's language and filters. The clock is the rendering thread's
CPU time, not the wall clock: a render that waits for the CPU (a busy host, another
thread holding the GIL, a GC pause elsewhere) is not charged for the wait, so an ordinary
template never fails because the machine was loaded. A render outside a budget (load-time
constant folding, tests) is unbounded only in time, never in scope.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from jinja2 import nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

DEFAULT_TIME = 0.25
"""CPU seconds one response's templates may take (every template of the response together)."""
DEFAULT_OUTPUT = 4 << 20
"""Characters one response's templates may produce (4 MiB)."""
_WIDTH_LIMIT = DEFAULT_OUTPUT
"""The largest number accepted where it sets a size (``center``, ``indent``, repetition)."""


class BudgetExceeded(RuntimeError):
    """A render went past its time or output cap."""


class Budget:
    """The caps of one render and what it has used so far."""

    __slots__ = ("deadline", "max_output", "output", "seconds")

    def __init__(self, seconds: float = DEFAULT_TIME, max_output: int = DEFAULT_OUTPUT) -> None:
        self.seconds = seconds
        self.deadline = time.thread_time() + seconds
        self.max_output = max_output
        self.output = 0

    def tick(self) -> None:
        if time.thread_time() > self.deadline:
            raise BudgetExceeded(f"template render took longer than {self.seconds:g}s")

    def size(self, n: int) -> None:
        """Check that a value of ``n`` characters fits the output cap."""
        if n > self.max_output:
            raise BudgetExceeded(
                f"template output larger than {self.max_output} characters (got {n})"
            )

    def emit(self, n: int) -> None:
        self.output += n
        self.size(self.output)
        self.tick()


_NO_BUDGET = Budget(seconds=math.inf)
_CURRENT: contextvars.ContextVar[Budget] = contextvars.ContextVar(
    "stubforge_template_budget", default=_NO_BUDGET
)


def current() -> Budget:
    return _CURRENT.get()


@contextlib.contextmanager
def render_budget(
    seconds: float = DEFAULT_TIME, max_output: int = DEFAULT_OUTPUT
) -> Iterator[Budget]:
    """Bound every template rendered inside the block (one response's templates)."""
    budget = Budget(seconds, max_output)
    token = _CURRENT.set(budget)
    try:
        yield budget
    finally:
        _CURRENT.reset(token)


def _length(value: Any) -> int:
    return len(value) if isinstance(value, str | bytes | list | tuple | dict) else 0


def _check_sizes(args: Iterable[Any]) -> None:
    for arg in args:
        if isinstance(arg, int) and not isinstance(arg, bool) and abs(arg) > _WIDTH_LIMIT:
            raise BudgetExceeded(f"number {arg} too large for a size or width in a template")


def _checked_format(text: str) -> None:
    """Refuse format strings with a huge width or precision (``'{:>999999999}'``)."""
    digits = 0
    for ch in text:
        digits = digits + 1 if ch.isdigit() else 0
        if digits > 7:
            raise BudgetExceeded("format width too large in a template")


class _Range:
    """``range`` whose iteration counts against the budget."""

    __slots__ = ("_range",)

    def __init__(self, *args: int) -> None:
        r = range(*args)
        if len(r) > _WIDTH_LIMIT:
            raise BudgetExceeded(f"range of {len(r)} items is too large for a template")
        self._range = r

    def __len__(self) -> int:
        return len(self._range)

    def __getitem__(self, index: Any) -> Any:
        return self._range[index]

    def __iter__(self) -> Iterator[int]:
        return _budgeted(self._range)


def _budgeted(items: Iterable[Any]) -> Iterator[Any]:
    budget = current()
    for item in items:
        budget.tick()
        yield item


def _budget_iter(items: Any) -> Any:
    """Loop iterables go through here (see :meth:`BudgetedEnvironment._parse`)."""
    return _budgeted(items)


def _budget_concat(*parts: Any) -> str:
    """The ``~`` operator, with the output cap."""
    budget = current()
    budget.size(sum(len(p) if isinstance(p, str) else 16 for p in parts))
    budget.tick()
    return "".join(str(p) for p in parts)


def _wrap_filter(fn: Callable[..., Any]) -> Callable[..., Any]:
    def bounded(*args: Any, **kwargs: Any) -> Any:
        budget = current()
        budget.tick()
        _check_sizes(args[1:])
        _check_sizes(kwargs.values())
        result = fn(*args, **kwargs)
        budget.size(_length(result))
        return result

    for attr in ("jinja_pass_arg", "__name__", "__doc__"):
        if hasattr(fn, attr):
            setattr(bounded, attr, getattr(fn, attr))
    return bounded


_ITER = "_stubforge_iter"
_CONCAT = "_stubforge_concat"
HIDDEN_GLOBALS = frozenset({_ITER, _CONCAT})


class BudgetedEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox, with every operation checked against the current :class:`Budget`."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.filters = {name: _wrap_filter(fn) for name, fn in self.filters.items()}
        self.globals.pop("lipsum", None)  # generates text by the kilobyte: no use here
        self.globals.update(range=_Range, **{_ITER: _budget_iter, _CONCAT: _budget_concat})

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        """Route every loop's iterable and every ``~`` through the budget."""
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):
            loop.iter = nodes.Call(
                nodes.Name(_ITER, "load", lineno=loop.lineno),
                [loop.iter],
                [],
                None,
                None,
                lineno=loop.lineno,
            )
        for concat in list(tree.find_all(nodes.Concat)):
            # a Concat node cannot be replaced in place: make it the call's argument list
            call = nodes.Call(
                nodes.Name(_CONCAT, "load", lineno=concat.lineno),
                concat.nodes,
                [],
                None,
                None,
                lineno=concat.lineno,
            )
            concat.nodes = [call]
        tree.set_environment(self)
        return tree

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        budget = current()
        budget.tick()
        _check_sizes(args)
        _check_sizes(kwargs.values())
        if getattr(__obj, "__name__", None) in ("format", "format_map") and isinstance(
            getattr(__obj, "__self__", None), str
        ):
            _checked_format(__obj.__self__)
        result = super().call(__context, __obj, *args, **kwargs)
        budget.size(_length(result))
        return result

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        budget = current()
        budget.tick()
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(n, int) and _length(seq):
                    budget.size(_length(seq) * n)
        elif operator == "**" and isinstance(left, int) and isinstance(right, int):
            if right > 0 and abs(left) > 1 and right * math.log2(abs(left)) > 4096:
                raise BudgetExceeded("number too large in a template (** result over 4096 bits)")
        elif operator == "%" and isinstance(left, str):
            _checked_format(left)
            _check_sizes(right if isinstance(right, tuple) else (right,))
        elif operator == "+":
            budget.size(_length(left) + _length(right))
        return super().call_binop(context, operator, left, right)

    def getattr(self, obj: Any, attribute: str) -> Any:
        current().tick()
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        current().tick()
        return super().getitem(obj, argument)
