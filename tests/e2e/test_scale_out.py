"""The larger clinic: `sm-app serve --workers 2` on PostgreSQL behind real nginx (scripts/nginx-proxy.sh), with real
Chromium.

- A patient whose browser the proxy keeps on one process and a nurse kept on the other exchange messages, and each
  sees the other's live (LISTEN/NOTIFY between the processes); every request and socket of each browser stayed on
  its own process (the proxy's access log says where each request went; a socket that reached the other process
  would find no page there and NiceGUI would reload it).
- The response-clock sweep runs in exactly one process while both are alive, and, after that process is killed, in
  the other within one sweep interval; each reminder and its email go out once.

Needs PostgreSQL, nginx (scripts/ensure-nginx.sh) and Chromium; with SM_REQUIRE_POSTGRES=1 a missing nginx fails.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import nicegui
import pytest

from tests.conftest import PG_ADMIN_URL, _pg_database

from .browser_steps import (
    assert_not_reloaded,
    click_button,
    fill_new_message,
    mark_page,
    message_bodies,
    notification_texts,
    sign_in,
    thread_id_of,
    thread_links,
    type_into,
    wait,
    wait_connected,
    wait_for_heading,
    wait_for_path,
)
from .clinic_db import NURSE, PATIENT
from .conftest import SM_APP, _clean_env, _free_port

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

ROOT = Path(__file__).resolve().parents[2]
NGINX = os.environ.get("SM_NGINX") or "/usr/sbin/nginx"
PROXY_SCRIPT = ROOT / "scripts" / "nginx-proxy.sh"
SWEEP_SECONDS = 3.0
TEAM = "Primary Care Blue"
START_TIMEOUT = 60.0


def _require_nginx() -> None:
    if os.access(NGINX, os.X_OK):
        return
    if os.environ.get("SM_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"SM_REQUIRE_POSTGRES=1 but nginx is not installed at {NGINX} (scripts/ensure-nginx.sh)",
                    pytrace=False)
    pytest.skip(f"nginx not installed at {NGINX} (scripts/ensure-nginx.sh); set SM_REQUIRE_POSTGRES=1 to make this "
                "a failure")


def _psql(url: str, sql: str, params: tuple = ()) -> list[tuple]:
    import psycopg  # noqa: PLC0415

    with psycopg.connect(url, autocommit=True) as conn:
        cur = conn.execute(sql, params)
        return cur.fetchall() if cur.description else []


@pytest.fixture(scope="module")
def seeded_template(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    """The demo clinic seeded once on PostgreSQL (a database used as a template) with its data directory."""
    _require_nginx()
    url, drop = _pg_database()
    root = tmp_path_factory.mktemp("pg-demo")
    data_dir = root / "data"
    env = {**_clean_env(data_dir, _free_port()), "SM_DATABASE_URL": url}
    result = subprocess.run([str(SM_APP), "demo"], env=env, cwd=root, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"sm-app demo failed:\n{result.stdout}\n{result.stderr}"
    yield url, data_dir
    drop()


@dataclass
class Cluster:
    """`sm-app serve --workers 2` on a copy of the seeded clinic, and nginx in front of it."""

    url: str
    data_dir: Path
    first_port: int
    proxy_port: int = field(default_factory=_free_port)
    workers: subprocess.Popen | None = None
    proxy: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.proxy_port}"

    @property
    def log_path(self) -> Path:
        return self.data_dir.parent / "workers.log"

    @property
    def access_log(self) -> Path:
        return self.data_dir.parent / "nginx" / "logs" / "access.log"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def start(self, *, with_proxy: bool = True) -> Cluster:
        env = {**_clean_env(self.data_dir, self.first_port), "SM_DATABASE_URL": self.url,
               "SM_BASE_URL": self.base_url, "SM_SWEEP_SECONDS": str(SWEEP_SECONDS), "SM_MAIL_SECONDS": "1"}
        with open(self.log_path, "ab") as log:
            self.workers = subprocess.Popen([str(SM_APP), "serve", "--workers", "2"], env=env, cwd=self.data_dir.parent,
                                            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                            start_new_session=True)
        for port in self.ports:
            self._wait_for(f"http://127.0.0.1:{port}/login")
        if with_proxy:
            with open(self.data_dir.parent / "nginx.out", "ab") as out:
                self.proxy = subprocess.Popen(
                    [str(PROXY_SCRIPT), str(self.proxy_port), str(self.first_port), "2",
                     str(self.data_dir.parent / "nginx")], stdout=out, stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL, start_new_session=True)
            self._wait_for(f"{self.base_url}/login")
        return self

    @property
    def ports(self) -> tuple[int, int]:
        return self.first_port, self.first_port + 1

    def _wait_for(self, url: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.workers.poll() is not None:
                raise RuntimeError(f"sm-app serve --workers 2 exited:\n{self.log()[-4000:]}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{url} did not answer in {START_TIMEOUT} s:\n{self.log()[-4000:]}")

    def worker_pids(self) -> dict[int, int]:
        """port -> pid, as `sm-app serve --workers` announced them."""
        return {int(port): int(pid) for pid, port in re.findall(r"worker \d of 2: pid (\d+) on [\d.]+:(\d+)",
                                                                  self.log())}

    def leaders(self) -> list[int]:
        return [int(pid) for pid in re.findall(r"sm-app\[(\d+)\] INFO sm_app.jobs: scheduler: process \d+ leads",
                                               self.log())]

    def sweeps(self) -> list[tuple[int, int]]:
        """(pid, reminders) of every sweep that sent something."""
        return [(int(pid), int(n)) for pid, n in
                re.findall(r"sm-app\[(\d+)\] INFO sm_app.jobs: response clock: (\d+) reminders", self.log())]

    def route_to(self, port: int) -> str:
        """An sm_route cookie value the proxy sends to the worker on `port` (found by asking it)."""
        static = f"/_nicegui/{nicegui.__version__}/static/nicegui.css"
        for i in range(64):
            route = f"e2e{i}{uuid.uuid4().hex[:8]}"
            request = urllib.request.Request(f"{self.base_url}{static}", headers={"Cookie": f"sm_route={route}"})
            with urllib.request.urlopen(request, timeout=5) as response:
                assert response.status == 200
            if self.upstreams(route) == {port}:
                return route
        raise AssertionError(f"no route to port {port} in 64 tries")

    def upstreams(self, route: str) -> set[int]:
        lines = self.access_log.read_text().splitlines() if self.access_log.exists() else []
        return {int(m.group(1)) for line in lines if f" {route} " in line
                for m in [re.search(r" 127\.0\.0\.1:(\d+) ", line)] if m}

    def stop(self) -> None:
        for proc in (self.proxy, self.workers):
            if proc is not None and proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(timeout=5)
                except ProcessLookupError:
                    pass


@pytest.fixture
def cluster(seeded_template, tmp_path) -> Iterator[Cluster]:
    """A fresh copy of the seeded clinic (database from the template, data directory copied) for this test."""
    import shutil  # noqa: PLC0415

    template_url, template_dir = seeded_template
    name = f"scaleout_{uuid.uuid4().hex[:12]}"
    _psql(PG_ADMIN_URL, f'CREATE DATABASE "{name}" TEMPLATE "{template_url.rsplit("/", 1)[1]}"')
    data_dir = tmp_path / "data"
    shutil.copytree(template_dir, data_dir)
    data_dir.chmod(0o700)
    first = _free_port()
    while not _port_free(first + 1):
        first = _free_port()
    cluster = Cluster(f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}", data_dir, first)
    yield cluster
    cluster.stop()
    log = cluster.log()
    assert "Traceback (most recent call last)" not in log, log[log.find("Traceback") - 1500:][:8000]
    _psql(PG_ADMIN_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _port_free(port: int) -> bool:
    import socket  # noqa: PLC0415

    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _on(driver, cluster: Cluster, route: str) -> None:
    """This browser's proxy cookie: the proxy keeps it on the worker that `route` leads to."""
    driver.get(f"{cluster.base_url}/_nicegui/{nicegui.__version__}/static/nicegui.css")
    driver.delete_cookie("sm_route")
    driver.add_cookie({"name": "sm_route", "value": route, "path": "/"})


def test_a_message_sent_through_one_process_reaches_a_client_of_the_other(cluster, browser):
    cluster.start()
    port_a, port_b = cluster.ports
    route_a, route_b = cluster.route_to(port_a), cluster.route_to(port_b)
    base = cluster.base_url
    subject = f"Inhaler renewal {uuid.uuid4().hex[:8]}"
    body = "My inhaler runs out on Friday. Could you renew it?"
    reply = f"Renewed, ready tomorrow {uuid.uuid4().hex[:8]}"

    nurse = browser("nurse")
    _on(nurse, cluster, route_b)
    sign_in(nurse, base, *NURSE, home="/worklist")
    mark_page(nurse, "nurse worklist")

    patient = browser("patient")
    _on(patient, cluster, route_a)
    sign_in(patient, base, *PATIENT, home="/inbox")
    fill_new_message(patient, team=TEAM, category="General", subject=subject, body=body)
    click_button(patient, "Send")
    wait_for_path(patient, r"/thread/[^/]+")
    thread_id = thread_id_of(patient)
    wait_for_heading(patient, subject)
    wait_connected(patient)
    mark_page(patient, "patient thread")

    # Process A committed it; the nurse's open Worklist on process B shows it without a reload.
    wait(nurse).until(lambda d: thread_links(d, subject), "the message never reached the worklist on the other process")
    assert_not_reloaded(nurse, "nurse worklist")

    # And back: the nurse replies on B, the patient's open conversation on A shows it.
    nurse.get(f"{base}/thread/{thread_id}")
    wait_for_heading(nurse, subject)
    wait_connected(nurse)
    mark_page(nurse, "nurse thread")
    click_button(nurse, "Reply")
    type_into(nurse, "Message", reply)
    click_button(nurse, "Send")
    wait(nurse).until(lambda d: "Reply sent" in notification_texts(d), "the nurse never saw 'Reply sent'")
    wait(patient).until(lambda d: message_bodies(d) == [body, reply], "the reply never reached the other process")
    assert_not_reloaded(patient, "patient thread")

    # Every request of each browser went to its own process...
    assert cluster.upstreams(route_a) == {port_a}
    assert cluster.upstreams(route_b) == {port_b}
    # ...and so did each open page's socket: it talks over a websocket (long polling's requests would be in the lines
    # above), and the page was never reloaded, which NiceGUI does when a socket reaches a process that does not hold
    # its page. (nginx logs a websocket only when it has closed on both sides, which was once late by more than the
    # test waited, so its line is not what this relies on.)
    for driver, who, marker in ((nurse, "nurse", "nurse thread"), (patient, "patient", "patient thread")):
        transport = driver.execute_script("return window.socket.io.engine.transport.name")
        assert transport == "websocket", f"the {who}'s page talks over {transport}"
        assert_not_reloaded(driver, marker)


def _due_reminder(url: str) -> tuple[str, int]:
    """Make one open response cycle's reminder fall due now (as if its time had come); its thread and how many
    alerts and emails it should give."""
    rows = _psql(url, "UPDATE response_cycles SET next_alert_at = now() - interval '1 minute' WHERE id = ("
                      "SELECT id FROM response_cycles WHERE ended_at IS NULL AND alert_stage = 0 "
                      "AND next_alert_at > now() ORDER BY received_at LIMIT 1) RETURNING thread_id")
    assert rows, "the demo clinic has no open response cycle before its reminder"
    return rows[0][0], 0


def _alerts_and_emails(url: str, thread_id: str) -> tuple[int, int, int]:
    (alerts,) = _psql(url, "SELECT count(*) FROM staff_alerts WHERE thread_id = %s AND kind = 'reminder'",
                      (thread_id,))[0]
    sent, pending = _psql(url, "SELECT count(*) FILTER (WHERE e.status = 'sent'), count(*) FILTER (WHERE e.status = "
                               "'pending') FROM email_outbox e JOIN staff_alerts a ON e.event_key = 'alert:' || a.id "
                               "WHERE a.thread_id = %s AND a.kind = 'reminder'", (thread_id,))[0]
    return alerts, sent, pending


def _wait_until(predicate, within: float, what: str):
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(what)


def test_the_sweep_runs_once_with_both_alive_and_once_after_the_leader_is_killed(cluster):
    cluster.start(with_proxy=False)
    pids = cluster.worker_pids()
    assert sorted(pids) == list(cluster.ports)
    leader = _wait_until(lambda: cluster.leaders(), 10, "no process took the scheduler's lead")[0]
    assert leader in pids.values()
    mail = cluster.data_dir / "mail"
    emails_before = len(list(mail.glob("*.eml"))) if mail.exists() else 0

    # Both alive: the leader sweeps, the other does not; the reminder and its emails go out once.
    thread_1, _ = _due_reminder(cluster.url)
    _wait_until(lambda: (lambda a, s, p: a and s == a and not p)(*_alerts_and_emails(cluster.url, thread_1)),
                3 * SWEEP_SECONDS + 5, "the reminder was not sent with both processes alive")
    alerts_1, sent_1, _ = _alerts_and_emails(cluster.url, thread_1)
    time.sleep(2 * SWEEP_SECONDS)  # more sweeps by both: nothing more may go out
    assert _alerts_and_emails(cluster.url, thread_1) == (alerts_1, sent_1, 0)
    assert cluster.leaders() == [leader]
    assert [pid for pid, n in cluster.sweeps()] == [leader]

    # The leader dies without a word; the other takes the lead within one sweep interval and sends the next one.
    os.kill(leader, signal.SIGKILL)
    killed_at = time.monotonic()
    (survivor,) = [pid for pid in pids.values() if pid != leader]
    _wait_until(lambda: survivor in cluster.leaders(), SWEEP_SECONDS + 2, "no process took over from the dead leader")
    assert time.monotonic() - killed_at <= SWEEP_SECONDS + 2
    thread_2, _ = _due_reminder(cluster.url)
    _wait_until(lambda: (lambda a, s, p: a and s == a and not p)(*_alerts_and_emails(cluster.url, thread_2)),
                3 * SWEEP_SECONDS + 5, "the reminder was not sent after the leader was killed")
    alerts_2, sent_2, _ = _alerts_and_emails(cluster.url, thread_2)
    assert [pid for pid, n in cluster.sweeps()] == [leader, survivor]
    assert _alerts_and_emails(cluster.url, thread_1) == (alerts_1, sent_1, 0)
    # The file mailer writes one .eml per email: as many files as emails marked sent, the demo's included, so no
    # email (reminders, digests, new-message notices) went out twice from the two processes.
    assert sent_1 + sent_2 > 0
    _wait_until(lambda: len(list(mail.glob("*.eml"))) == _psql(
        cluster.url, "SELECT count(*) FROM email_outbox WHERE status = 'sent'")[0][0] > emails_before,
        10, "emails on disk and emails marked sent differ")
