"""The remembered answer to "does this change handler take arguments?" is the answer NiceGUI would compute, and
NiceGUI (the pinned version) still asks it through the helper that sm_app/nicegui_speedups.py replaces."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import inspect
import weakref

from nicegui import binding, core, helpers, observables, ui
from nicegui import outbox as nicegui_outbox
from nicegui.client import Client
from nicegui.page import page
from nicegui.props import Props
from starlette.requests import Request
from starlette.responses import Response

from sm_app import nicegui_speedups


class _Handlers:
    def takes_nothing(self) -> None: ...
    def takes_event(self, event) -> None: ...
    def takes_optional(self, event=None) -> None: ...
    def takes_any(self, *args, **kwargs) -> None: ...

    @classmethod
    def class_takes_event(cls, event) -> None: ...


def _bound_methods() -> list:
    h = _Handlers()
    return [h.takes_nothing, h.takes_event, h.takes_optional, h.takes_any, _Handlers.class_takes_event]


def test_answers_are_the_ones_nicegui_computes_first_time_and_remembered():
    original = nicegui_speedups._original
    for method in _bound_methods() + _bound_methods():  # the second round is answered from memory
        assert nicegui_speedups.expects_arguments(method) == original(method), method
    assert [nicegui_speedups.expects_arguments(m) for m in _bound_methods()] == [False, True, False, False, True]
    assert _Handlers.takes_event in nicegui_speedups._by_function


def test_plain_callables_are_asked_every_time_and_not_kept_alive():
    def make(n):
        if n:
            return lambda event: None
        return lambda: None

    with_arg, without = make(1), make(0)
    assert nicegui_speedups.expects_arguments(with_arg) is True
    assert nicegui_speedups.expects_arguments(without) is False
    gone = weakref.ref(with_arg)
    del with_arg
    gc.collect()
    assert gone() is None, "a closure made per page must not be remembered"


def test_nicegui_observables_call_the_installed_helper(monkeypatch):
    nicegui_speedups.install()
    assert helpers.expects_arguments is nicegui_speedups.expects_arguments
    asked = []

    def spy(func):
        asked.append(func)
        return nicegui_speedups.expects_arguments(func)

    monkeypatch.setattr(helpers, "expects_arguments", spy)
    handlers = _Handlers()
    collection = observables.ObservableDict({}, on_change=handlers.takes_nothing)
    assert asked == [handlers.takes_nothing], "NiceGUI no longer asks through helpers.expects_arguments"
    assert collection._change_handlers == [(handlers.takes_nothing, False)]


def test_props_strings_parse_as_nicegui_parses_them_and_a_copy_is_handed_out():
    nicegui_speedups.install()
    for text in ('dense flat size=sm', 'role=heading aria-level=1', 'aria-label="Main menu" outline',
                 "options=['a', 'b'] data={'k': 1}", '', None):
        assert Props.parse(text) == nicegui_speedups._parse(text), text
    first = Props.parse("options=['a', 'b']")
    first["options"].append("c")  # NiceGUI merges the parsed values into an element's own props
    assert Props.parse("options=['a', 'b']") == {"options": ["a", "b"]}


def test_a_removed_element_is_freed_without_the_cycle_collector():
    nicegui_speedups.install()
    client = Client(page("/probe"), request=None)
    with client:
        with ui.column() as column:
            label = ui.label("Due Thu, Dec 10").props("dense").classes("text-caption").style("color: red")
    gone = [weakref.ref(x) for x in (label, label._props, label._classes, label._style)]
    gc.collect()
    gc.disable()
    try:
        column.clear()
        del label
        assert [ref() for ref in gone] == [None] * 4, "a removed element waited for the cycle collector"
    finally:
        gc.enable()
        client.delete()


def _awaiting(task: asyncio.Task) -> list[str]:
    """The coroutines `task` is suspended in, outermost first."""
    names, coro = [], task.get_coro()
    while coro is not None and hasattr(coro, "cr_code"):
        names.append(coro.cr_code.co_name)
        coro = coro.cr_await
    return names


async def test_an_idle_pages_outbox_waits_for_work_without_waking_every_second(monkeypatch):
    # The replaced wait_for ignores its timeout, which is right only for the one wait of the outbox loop.
    assert inspect.getsource(nicegui_outbox).count("asyncio.wait_for(") == 1
    nicegui_speedups.install()
    emitted: list[tuple[str, dict]] = []

    async def emit(message_type, data, room=None):
        emitted.append((message_type, data))

    monkeypatch.setattr(core.sio, "emit", emit)
    monkeypatch.setattr(core.app.config, "reconnect_timeout", 3.0, raising=False)  # set by ui.run in the app
    client = Client(page("/probe"), request=None)  # its own loop is deferred: NiceGUI is not running here
    client.tab_id = "a tab"  # connected, as far as the outbox can tell
    with client:
        label = ui.label("Nothing new")
    loop_task = asyncio.create_task(client.outbox.loop())
    try:
        for _ in range(20):  # until the outbox has sent the page's first state and waits for more
            await asyncio.sleep(0)
        sent_first = len(emitted)
        assert sent_first >= 1
        # It waits on the event itself; NiceGUI's own loop sits in asyncio.wait_for(..., timeout=1.0), which a
        # timer wakes every second.
        assert _awaiting(loop_task) == ["loop", "wait"], _awaiting(loop_task)

        label.set_text("A new message")  # work arrives: it is sent at once
        for _ in range(20):
            await asyncio.sleep(0)
        assert len(emitted) == sent_first + 1
        message_type, data = emitted[-1]
        assert message_type == "update" and data[label.id]["text"] == "A new message"

        client.outbox.stop()  # and stopping still ends the loop without a timeout
        await asyncio.wait_for(loop_task, 1.0)
    finally:
        loop_task.cancel()
        client.delete()


def _request(big: object) -> Request:
    """A page's request as the middleware hands it on: its ASGI callables and exit stack reach per-request objects."""
    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False, "held": big}

    async def send(message):
        big.sent = message

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "server": ("127.0.0.1", 8080), "client": ("10.1.2.3", 5555), "root_path": "", "path": "/probe",
             "raw_path": b"/probe", "query_string": b"a=1", "path_params": {},
             "headers": [(b"host", b"127.0.0.1:8080"), (b"cookie", b"sm=abc")],
             "session": {"id": "browser"}, "state": {"sm_session": "the session"},
             "fastapi_astack": contextlib.AsyncExitStack(), "held": big}
    return Request(scope, receive, send)


class _Big:
    pass


def test_an_open_page_keeps_what_it_reads_of_its_request_and_lets_the_rest_go(monkeypatch):
    # NiceGUI's own response needs ui.run's configuration; the page's HTML is not what is tested here (the UI test
    # test_an_open_page_keeps_only_what_it_reads_of_its_request runs the real one).
    monkeypatch.setattr(nicegui_speedups, "_build_response", lambda client, request, status: Response("A page"))
    nicegui_speedups.install()
    assert Client.build_response is nicegui_speedups.build_response
    big = _Big()
    request = _request(big)
    client = Client(page("/probe"), request=request)
    try:
        response = client.build_response(request)
        assert response.body == b"A page"
        kept = client.request
        # What pages read while open: the address (sign-in throttling), session, state, URL and headers.
        assert kept.client.host == "10.1.2.3"
        assert kept.session == {"id": "browser"} and kept.state.sm_session == "the session"
        assert str(kept.url) == "http://127.0.0.1:8080/probe?a=1" and kept.cookies == {"sm": "abc"}
        assert "fastapi_astack" not in kept.scope and "held" not in kept.scope
        gone = weakref.ref(big)
        del big, request, response
        gc.collect()
        assert gone() is None, "an open page kept its request's per-request objects alive"
    finally:
        client.delete()


def test_bindings_work_without_registering_every_value():
    nicegui_speedups.install()
    client = Client(page("/probe"), request=None)
    links_before = len(binding.active_links)
    try:
        with client:
            registered_before = len(binding.bindable_properties)
            choice = ui.checkbox("Needs a place", value=False)
            place = ui.input("Place")
            place.bind_visibility_from(choice, "value")  # what the outcome form does
            echo = ui.label()
            echo.bind_text_from(place, "value")
            assert len(binding.bindable_properties) == registered_before, "values were registered again"
            assert len(binding.active_links) == links_before, "a binding from an element became a polled link"
            assert place.visible is False
            choice.set_value(True)
            assert place.visible is True
            place.set_value("Room 4")
            assert echo.text == "Room 4"
            field = {"value": "2026-12-07"}
            date = ui.input().bind_value(field)  # a dict is not bindable: NiceGUI polls it, as before
            assert date.value == "2026-12-07"
            assert len(binding.active_links) == links_before + 1
            date.set_value("2026-12-08")
            assert field["value"] == "2026-12-08"
    finally:
        client.delete()
        binding.active_links[links_before:] = []
