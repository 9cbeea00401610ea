"""Measured costs of NiceGUI 3.18 taken away (docs/benchmarks.md says what each was worth).

**Asking `inspect.signature` again and again the same question.**

Every element NiceGUI creates makes three observable collections (its props, classes and style), and each asks
`helpers.expects_arguments(on_change)` — which runs `inspect.signature` — whether its change handler takes
arguments. The handler is always a bound method (`Props._update`, `Classes._update`, `Style._update`), so the
answer never changes; yet under the live benchmark these calls were about 13 % of the server's busy time (a profile
of the 5 msg/s window, docs/benchmarks.md). Event handlers passed as bound methods ask the same question per event.

The answer for a bound method depends only on the function behind it (binding always drops the first parameter),
so it is remembered per function; every other callable (lambdas, closures, partials) is asked as before, uncached,
so nothing made per page is kept alive.

**Removed elements left for the cycle collector.** Each element's `Props`, `Classes` and `Style` keep a bound method
of themselves as their change handler: three reference cycles per element, so every element removed from a page
(a redrawn row, a closed page) was freed only by Python's cyclic garbage collector, whose full collections stop the
event loop for 100-250 ms under load. Once NiceGUI has removed an element, nothing may reach the browser for it
anyway, so its handlers are dropped and reference counting frees it at once.

**Parsing the same `.props("...")` string again and again.** `Props.parse` evaluates quoted values with
`ast.literal_eval`, whose nested, recursive helpers are themselves a reference cycle per call. The strings are the
app's own constants (user text never goes into `.props()`), so their parsed form is remembered, and a copy is handed
out because NiceGUI merges it into an element's own props.

**Every open page waking the server once a second.** Each page's outbox loop waits for something to send with
`asyncio.wait_for(event.wait(), timeout=1.0)`, so an idle page costs a task, a timer, a cancellation and an exception
every second: with a clinic's pages open, a large part of the server's idle CPU. Its only reason, noticing
`Outbox.stop()`, needs no timeout, since `stop` sets the event too. The outbox module is given an `asyncio` whose
`wait_for` waits without one (everything else is asyncio itself).

**An open page holding on to its whole HTTP request.** A NiceGUI client keeps the request its page was built for,
for as long as the page is open: its address, headers, session and state, which pages do read, but also the ASGI
`receive` and `send` of that request and the scope's per-request objects (FastAPI's exit stacks). Those reach the
request's middleware (Starlette's `BaseHTTPMiddleware` streams and task group, the gzip responder), so every open
page kept a finished request's machinery alive. Once the page's HTML is built, the client keeps a request made of the
scope entries a page can read and nothing else.

**A registry entry for every value of every element.** NiceGUI records each bindable property it sets (an element's
visibility, text, value…) in a global weak dictionary, and propagates every change through the binding machinery,
whether or not anything is bound to it. The registry answers one question, asked when a binding is made: is the
source a bindable property (then changes are pushed) or something else (then it is polled)? The type answers it as
well. So a property is not registered, and a change propagates only when something is bound from it; bindings work
as before (tests/unit/test_nicegui_speedups.py).

`nicegui` is pinned in pyproject.toml; tests/unit/test_nicegui_speedups.py fails if a new version stops calling these
or the answers differ.
"""

from __future__ import annotations

import asyncio
import copy
import functools
import types
from collections.abc import Callable, Iterable
from typing import Any

from nicegui import binding, helpers
from nicegui import outbox as nicegui_outbox
from nicegui.client import Client
from nicegui.element import Element
from nicegui.props import Props
from starlette.requests import Request

_original: Callable[[Callable], bool] = helpers.expects_arguments
_by_function: dict[Callable, bool] = {}
_MAX_REMEMBERED = 4096  # class-level functions only; a guard, not a working limit


def expects_arguments(func: Callable) -> bool:
    if type(func) is not types.MethodType:
        return _original(func)
    key = func.__func__
    known = _by_function.get(key)
    if known is None:
        known = _original(func)
        if len(_by_function) < _MAX_REMEMBERED:
            _by_function[key] = known
    return known


_remove_elements = Client.remove_elements
_parse = Props.parse


def remove_elements(self: Client, elements: Iterable[Element]) -> None:
    removed = list(elements)
    _remove_elements(self, removed)
    for element in removed:
        for observable in (element._props, element._classes, element._style):  # noqa: SLF001
            observable._change_handlers.clear()  # noqa: SLF001


@functools.lru_cache(maxsize=2048)  # the app's own prop strings: a few hundred
def _parsed(text: str) -> tuple[tuple[str, Any], ...]:
    return tuple(_parse(text).items())


def parse_props(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    return {key: copy.deepcopy(value) if isinstance(value, (list, dict, set)) else value
            for key, value in _parsed(text)}


class _AsyncioForTheOutbox(types.ModuleType):
    """`asyncio` as nicegui/outbox.py sees it: the same, but `wait_for` waits as long as it takes."""

    def __init__(self) -> None:
        super().__init__("asyncio")

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    @staticmethod
    def wait_for(awaitable, timeout=None):  # noqa: ARG004 - the 1 s poll is what is dropped
        return awaitable  # the outbox awaits the event's wait itself


# What a page may read from its request while it is open (starlette.requests.Request and NiceGUI: url, headers,
# cookies, client address, session, state, path parameters, app). Everything else in a scope is per-request machinery.
_PAGE_SCOPE_KEYS = frozenset({
    "type", "asgi", "http_version", "method", "scheme", "server", "client", "root_path", "path", "raw_path",
    "query_string", "headers", "state", "session", "path_params", "app", "router", "route", "endpoint",
    "nicegui_page_path",
})
_build_response = Client.build_response


def build_response(self: Client, request: Request, status_code: int = 200):
    response = _build_response(self, request, status_code)
    if self._request is request:  # noqa: SLF001 - the request the client was made for (one made without keeps none)
        self._request = Request({k: v for k, v in request.scope.items() if k in _PAGE_SCOPE_KEYS})  # noqa: SLF001
    return response


def _bindable_set(self: binding.BindableProperty, owner: Any, value: Any) -> None:
    # BindableProperty.__set__ without the registry; propagation only when a binding starts here.
    attribute = "___" + self.name
    had = hasattr(owner, attribute)
    changed = had and getattr(owner, attribute) != value
    if had and not changed:
        return
    setattr(owner, attribute, value)
    if (id(owner), (self.name,)) in binding.bindings:
        binding._propagate(owner, (self.name,))  # noqa: SLF001
    if changed and self._change_handler is not None:  # noqa: SLF001
        self._change_handler(owner, value)  # noqa: SLF001


def _is_bindable(obj: Any, name: tuple[str, ...]) -> bool:
    """What `binding.bindable_properties` answered: a bindable property of `obj` that has been set."""
    # Looked up in the classes' own dictionaries: reading a BindableProperty from the class calls its __get__.
    return (len(name) == 1 and hasattr(obj, "___" + name[0])
            and any(isinstance(cls.__dict__.get(name[0]), binding.BindableProperty) for cls in type(obj).__mro__))


def _bind_one_way(source_obj: Any, source_name: tuple[str, ...], target_obj: Any, target_name: tuple[str, ...],
                  transform: Callable[[Any], Any] | None) -> None:
    # binding._bind_one_way with the registry lookup replaced by _is_bindable.
    binding_key = (id(source_obj), source_name)
    binding.bindings[binding_key].append((source_obj, target_obj, target_name, transform))
    binding._binding_keys_by_object[id(source_obj)].add(binding_key)  # noqa: SLF001
    binding._binding_keys_by_object[id(target_obj)].add(binding_key)  # noqa: SLF001
    if not _is_bindable(source_obj, source_name):
        binding.active_links.append((source_obj, source_name, target_obj, target_name, transform))
        binding._active_links_added.set()  # noqa: SLF001
    binding._propagate(source_obj, source_name)  # noqa: SLF001


def install() -> None:
    """Idempotent. NiceGUI's modules call `helpers.expects_arguments` through the module, `Props.parse` through the
    class and `remove_elements` on the client, so this reaches every caller."""
    helpers.expects_arguments = expects_arguments
    Client.remove_elements = remove_elements  # type: ignore[method-assign]
    Props.parse = staticmethod(parse_props)  # type: ignore[method-assign]
    nicegui_outbox.asyncio = _AsyncioForTheOutbox()
    Client.build_response = build_response  # type: ignore[method-assign]
    binding.BindableProperty.__set__ = _bindable_set  # type: ignore[method-assign]
    binding._bind_one_way = _bind_one_way  # noqa: SLF001
