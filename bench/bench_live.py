"""What a clinic's open pages cost, end to end: the real server, headless socket.io clients that act like browsers.

Usage: .venv/bin/python -m bench.bench_live [--clients 100] [--rate 5] [--seconds 30] [--find-max]
                                            [--step-seconds S] [--idle-seconds 20] [--port 8300] [--seed 1] [--keep]
                                            [--database sqlite|postgres] [--workers N] [--proxy]

Several processes (the larger clinic, README): `--database postgres` seeds a fresh PostgreSQL database (named
sm_bench_<random> on SM_BENCH_POSTGRES_URL's server, default postgresql://postgres@127.0.0.1:5432/postgres; dropped
at the end) and serves from it; `--workers N` (PostgreSQL only) runs `sm-app serve --workers N` on ports --port+1 ..
behind nginx (scripts/nginx-proxy.sh) on --port, and the browsers talk to nginx; `--proxy` puts nginx in front of a
single process too, so 1 and N processes are compared through the same proxy. With N > 1 the workers are not pinned
(each may use either core, which the load generator, nginx and PostgreSQL share); server CPU and memory are the sums
over the workers.

One command does everything:

1. **Clinic.** A fresh SQLite clinic in a temporary directory, seeded through the real services
   (`build_system(Settings(...))`, `accounts.create_team / create_user / add_member / assign_patient`) before the
   server starts: `--clients N` people (a multiple of 10) = N/10 care teams, each with one nurse and 9 patients.
   Every patient has accepted the messaging terms (`terms.accept`) and has one conversation with their team
   (`messaging.start_thread`, category "Test results"), so each nurse serves 9 conversations.
2. **Server.** `taskset -c 0 .venv/bin/sm-app serve` as a subprocess (its own process group) with SM_DATA_DIR,
   SM_DATABASE_URL, SM_KEY_FILE, SM_HOST=127.0.0.1, SM_PORT, SM_BASE_URL=http://127.0.0.1:PORT and every other
   setting at its default (session checks every 10 s, email outbox to files, the sweep). Ready when a static
   NiceGUI file answers over HTTP (a poll that creates no page). This process pins itself to core 1
   (`os.sched_setaffinity`), so the server has core 0 and the load generator core 1 (other work on the machine
   may still share them: the load average is printed).
3. **Browsers.** Each person is one headless browser (`bench/live_client.py`: an aiohttp cookie jar, one
   python-socketio client per open page, speaking NiceGUI 3.18's protocol as nicegui.js does: implicit handshake,
   `update` applied to a mirror of the element tree, `run_javascript` answered when asked, `ack` every 3 s,
   the page's `sm_activity` pings after clicks). Each signs in through /login like a person: GET
   `/login?redirect_to=<kept page>`, type email and password (`update:value` events), click **Sign in**, follow
   the `open` navigation to `/login/finish?ticket=…`, whose 303 sets the fresh session cookie and points to the
   kept page. At most 4 sign-ins run at once (the server checks 2 passwords at a time, refuses beyond 32 waiting).
   Kept pages: a patient their conversation (`/thread/<id>`); a nurse their **Worklist** (`/worklist`), with their
   first patient's conversation opened inside it (a plain click on its row, below). Connected clients = every open
   page: 9N/10 + N/10 (100 for N = 100). (Until 2026-12-07 a nurse answered from a second tab, a conversation page of
   its own: 110 pages for N = 100; docs/benchmarks.md compares the two.)
4. **Memory.** Warm-up: one nurse and 3 patients sign in, open their pages once and leave (first-use costs: imports,
   caches, templates). Then everyone signs in, and the browsers stop at the redirect of /login/finish, holding their
   session cookie; 5 s later (the server deletes a closed page's client 3 s after its socket went) the server's VmRSS
   (/proc/<pid>/status) is the baseline "before any page is connected". The kept pages are then opened and connected
   (at most 32 opening at once), half of the care teams, 5 s, the other half; 5 s after the last page connected VmRSS
   is read again: per connected client = (RSS with every page − baseline) / open pages. Signing in is kept out of it
   on purpose: each password check holds argon2's 19 MiB in a worker thread and the allocator keeps that per thread
   for the next check, a cost of signing in, not of an open page (the sign-in growth is printed). The second half's
   own growth per page is printed as a check of linearity. The server CPU spent while the pages open is printed per
   page.
5. **Idle.** Server CPU (utime+stime from /proc/<pid>/stat) over `--idle-seconds` with every page open and
   nothing sent: the session checks, timers, socket pings and acks of open pages.
6. **Sends, open loop.** Poisson arrivals at `--rate` messages/s for `--seconds` (seeded; the schedule does not
   wait for answers), alternating sides so exactly half come from patients and half from nurses, each into a
   conversation chosen uniformly at random. Every body carries a unique token (`ref-<12 digits>`: hex letters made
   words, such as "bf", that the urgent-words check reads). A send is what
   a person does on the conversation page: click **Reply** (wait until the reply box is shown), type the whole
   text into **Message** (one `update:value` event, like a paste), click **Send**; the send is confirmed when
   the page shows the "Reply sent" notification, and failed when it shows a negative notification ("Not sent",
   "That did not go through", …), a field error, or nothing within 10 s. A patient sends from the conversation
   page they keep open. **Staff sending:** a nurse replies from their Worklist: when the conversation to answer is
   not the one open inside it, they click **Back to Worklist** (when another is open), wait until the list is
   shown, and click the conversation's row, which a browser sends as the row's `open` event (worklist_row.js:
   the conversation is drawn inside the page, no page load, and its patient's messages are marked read, as
   opening it does); once its Reply button is shown: Reply, type, Send. That opening is part of the server CPU
   measured, but not of the send→update time. One page sends one
   message at a time (the Send button is disabled while a send runs), so a second send to the same page waits;
   the wait shows as "start lag" (click time − scheduled time).
7. **Update detection** (time = arrival of the socket message at the recipient's page − the moment the Send
   click was emitted, both `perf_counter` in this process):
   - nurse → patient: the first `update` on the patient's conversation page carrying an element whose text
     contains the token;
   - patient → nurse: the first `update` on that nurse's Worklist page, received after the sender's page got its
     "Reply sent" confirmation (an update received earlier may come from an older change: the server publishes to
     recipients after the send's commit, but the recipient's socket may be written before the sender's is) — or
     after the click when no other send to that conversation was unconfirmed within 1 s before it, or when the only
     such sends were patients' messages whose row update had already come, the nurse's Worklist does not have this
     conversation open and no send of the nurse's to this one has started (then nothing else changes the row; with
     several processes the nurse's process may also show the message before the sender's has confirmed it) — that
     creates or changes an element inside that conversation's row. The row is found structurally on the
     mirrored tree, whatever the page does: the nearest ancestor of the updated element whose subtree links to
     exactly one `/thread/<id>`. A full list rebuild counts (each new row's elements lie in their own row), and so
     would a one-row update or a changed label in the row; a container whose subtree links to several
     conversations, an update that only deletes, or one elsewhere on the page (the header's unread badge) does not
     count.
   - a confirmed send not seen within 10 s is lost, and a note says when (ms from its click) it was confirmed, when
     the other sends to its conversation within 3 s were clicked, confirmed and delivered, and when that
     conversation's Worklist row changed: a change between the click and the confirmation that the rule above cannot
     tell from another send's is not counted.
   - exactly once: after every update that carries a token, the tokens are counted over the elements rendered
     (reachable from the layout) on that page (a conversation, or a Worklist with one open); a token seen more than
     once at one time is "shown twice". After the run, each patient page must show each confirmed token of its
     conversation exactly once, and the database must hold exactly the seeded message + the confirmed sends of each
     conversation. A confirmed send whose update did not come within 10 s of the click is lost.
8. **CPU per delivered message** = server utime+stime from the first scheduled send until every send has been
   confirmed and delivered (or given up after 10 s), divided by the messages delivered; also given net of the
   idle rate over the same window. It covers everything a message costs: the send, the nurse opening the
   conversation to answer, every page it updates, read receipts, the email outbox and search index.
9. **Highest rate** (`--find-max`): after the fixed-rate run, steps of `--step-seconds` (default `--seconds`) at
   1, 2, 3, 5, 10, 16, 24, 32, 48, 64, 96, 128, 192 msg/s on the same server and pages (conversations keep
   growing), up to the first step that fails; a step passes when send→update p95 ≤ 150 ms, no errors, nothing
   lost or shown twice, and at least 90 % of its scheduled sends were clicked within the step (+1 s); otherwise
   the generator or the pages could not keep up. The load generator's own CPU use is printed per step: near
   100 % of its core means the figure is a lower bound. With `--capacity-budget MS` the steps go on up to the first
   one whose p95 exceeds MS, and the highest rate within MS is reported as well: where 150 ms is missed long before
   the server's cores are busy (one process on two cores, say), this shows what a second process adds.

Errors counted: failed sends (negative notifications, field errors, no answer), HTTP 5xx on page loads, pages
answered "took longer than the response_timeout" (NiceGUI's "Response … not ready"), sockets refused or dropped by
the server, and warnings/errors in the server log. Results and how to read them: docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from urllib.parse import quote

import aiohttp
import nicegui
import socketio

from bench.live_client import Browser, Counters, Page, PageError, Tab

PATIENTS_PER_NURSE = 9
SIGN_INS_AT_ONCE = 4
# Kept pages opening at once: people arrive over time, not all in the same instant. With 1,000 people, opening half
# of their pages in one burst made page loads wait for the store past its limit ("busy", HTTP 503).
PAGES_OPENING_AT_ONCE = 32
CONFIRM_SECONDS = 10.0
# How long a nurse waits for a conversation to open inside the Worklist (a page load was given aiohttp's five
# minutes): a person waits for it to come, it is not a send; on a loaded server 10 s were not always enough.
OPEN_SECONDS = 60.0
LOSS_SECONDS = 10.0
SETTLE_SECONDS = 5.0
OVERLAP_SECONDS = 1.0  # a change confirmed this long before a click has reached the Worklist (p99 well below)
CLICK_GRACE_SECONDS = 1.0  # a send scheduled near the end of a step is clicked a round trip (Reply) later
P95_BUDGET_MS = 150.0
LADDER = (1, 2, 3, 5, 10, 16, 24, 32, 48, 64, 96, 128, 192)
ROOT = Path(__file__).resolve().parent.parent
SM_APP = Path(sys.executable).with_name("sm-app")
TOKEN = re.compile(r"ref-[0-9]{12}")
THREAD_LINK = re.compile(r"^/thread/([0-9a-f]{32})$")
PATIENT_PASSWORD = "bench-patient-password"
NURSE_PASSWORD = "bench-nurse-password-long"
PATIENT_TEXT = "Thank you, that answers my question about the lab letter. Ref {token}."
NURSE_TEXT = "Your results are normal; no change to your plan. Ref {token}."


# -- machine and process facts ---------------------------------------------------------------------
def machine_facts() -> list[str]:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")),
                 platform.processor() or "unknown")
    mem = next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
               if line.startswith("MemTotal"))
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip() or "unknown"
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True,
                           text=True).stdout.strip()
    return [
        f"cpu: {model}; {os.cpu_count()} logical cores, {len(os.sched_getaffinity(0))} usable; "
        f"memory {int(mem) // 1024} MiB",
        f"os: {platform.system()} {platform.release()}; python {platform.python_version()}; "
        f"sqlite {sqlite3.sqlite_version}; nicegui {nicegui.__version__}; "
        f"python-socketio {version('python-socketio')}; aiohttp {aiohttp.__version__}",
        f"commit: {commit}{' (with uncommitted changes)' if dirty else ''}",
    ]


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (all its threads), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def percentile(values: list[float], p: float) -> float:
    """Nearest rank."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


# -- the clinic ------------------------------------------------------------------------------------
@dataclass
class Person:
    email: str
    password: str
    name: str
    team: int
    browser: Browser | None = None
    main: Tab = field(default_factory=lambda: Tab("main"))
    reading: str | None = None  # nurses: the conversation open inside their Worklist, if any
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    awaiting: list[Sent] = field(default_factory=list)  # nurses: patient messages their Worklist must show
    # nurses: (arrival, conversation id) of each update that touched a row of their Worklist, for the lost-send notes
    row_updates: list[tuple[float, str]] = field(default_factory=list)
    landing: str = ""  # where /login/finish sent this person's browser


@dataclass
class Conversation:
    id: str
    patient: int
    nurse: int


@dataclass
class Sent:
    token: str
    conversation: Conversation
    side: str  # "patient" or "staff"
    scheduled: float
    body: str
    clicked: float | None = None
    confirmed: float | None = None
    delivered: float | None = None
    error: str | None = None
    shown_max: int = 0
    done: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def latency_ms(self) -> float:
        return (self.delivered - self.clicked) * 1000


async def seed(data_dir: Path, teams: int, url: str) -> tuple[list[Person], list[Person], list[Conversation]]:
    """The clinic, through the real services, before the server starts."""
    from sm_app.adapters.migrate import upgrade  # noqa: PLC0415 - only the seeding needs the app
    from sm_app.bootstrap import build_system  # noqa: PLC0415
    from sm_app.config import Settings  # noqa: PLC0415
    from sm_app.identity.accounts import Actor  # noqa: PLC0415

    await asyncio.to_thread(upgrade, url)
    settings = Settings(data_dir=data_dir, database_url=url, key_file=data_dir / "keys.json",
                        base_url="http://127.0.0.1", host="127.0.0.1", port=0, clinic_name="Bench Clinic",
                        timezone="America/New_York", storage_secret_file=data_dir / "storage_secret")
    system = build_system(settings)
    nurses: list[Person] = []
    patients: list[Person] = []
    conversations: list[Conversation] = []
    try:
        acc = system.accounts
        for t in range(teams):
            team = f"Bench Team {t + 1:02d}"
            await acc.create_team(team)
            nurse = Person(f"nurse{t + 1:02d}@bench.example", NURSE_PASSWORD, f"Nurse {t + 1:02d}", t)
            await acc.create_user(email=nurse.email, role="nurse", name=nurse.name, password=nurse.password)
            await acc.add_member(team=team, email=nurse.email, role="nurse")
            nurses.append(nurse)
            for j in range(PATIENTS_PER_NURSE):
                patient = Person(f"patient{t + 1:02d}-{j + 1}@bench.example", PATIENT_PASSWORD,
                                 f"Patient {t + 1:02d}-{j + 1}", t)
                info = await acc.create_user(email=patient.email, role="patient", name=patient.name,
                                             password=patient.password)
                await acc.assign_patient(team=team, email=patient.email)
                actor = Actor(info.id, info.role, info.name, info.email)
                await system.terms.accept(actor)
                (choice,) = await system.messaging.teams_for_compose(actor)
                sent = await system.messaging.start_thread(
                    actor, team_id=choice.id, category="Test results", subject=f"Lab letter {t + 1:02d}-{j + 1}",
                    body="I got a letter about my lab results. What do they mean?")
                conversations.append(Conversation(sent.thread_id, len(patients), t))
                patients.append(patient)
    finally:
        await system.close()
    return nurses, patients, conversations


# -- the server ------------------------------------------------------------------------------------
class Server:
    """`sm-app serve` (one process pinned to core 0), or `sm-app serve --workers N` behind nginx."""

    def __init__(self, data_dir: Path, port: int, url: str, workers: int = 1, proxy: bool = False):
        self.data_dir = data_dir
        self.port = port
        self.url = url
        self.workers = workers
        self.proxy = proxy or workers > 1
        # Behind the proxy the workers listen on the ports after --port; the browsers talk to nginx on --port.
        self.first_worker_port = port + 1 if self.proxy else port
        self.base_url = f"http://127.0.0.1:{port}"
        self.log_path = data_dir.parent / "serve.log"
        self.proc: subprocess.Popen | None = None
        self.nginx: subprocess.Popen | None = None

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SM_", "NICEGUI_", "PYTEST_"))}
        env.update(SM_DATA_DIR=str(self.data_dir), SM_DATABASE_URL=self.url,
                   SM_KEY_FILE=str(self.data_dir / "keys.json"), SM_HOST="127.0.0.1",
                   SM_PORT=str(self.first_worker_port), SM_BASE_URL=self.base_url, SM_CLINIC_NAME="Bench Clinic",
                   PYTHONUNBUFFERED="1")
        return env

    def start(self) -> None:
        # One process: core 0 (the load generator has core 1). Several: every core (they share them with the load
        # generator, nginx and PostgreSQL); taskset undoes the generator's own pinning, which children inherit.
        command = (["taskset", "-c", "0", str(SM_APP), "serve"] if self.workers == 1
                   else ["taskset", "-c", f"0-{os.cpu_count() - 1}", str(SM_APP), "serve", "--workers",
                         str(self.workers)])
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(command, env=self.env(), cwd=self.data_dir.parent, stdout=log,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
            if self.proxy:
                self.nginx = subprocess.Popen(
                    [str(ROOT / "scripts" / "nginx-proxy.sh"), str(self.port), str(self.first_worker_port),
                     str(self.workers), str(self.data_dir.parent / "nginx")], stdout=log, stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL, start_new_session=True)

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid  # taskset execs sm-app, which is the Python process: same pid

    @property
    def pids(self) -> list[int]:
        """The processes that serve: the one, or the workers `sm-app serve --workers` announced."""
        if self.workers == 1:
            return [self.pid]
        text = self.log_path.read_text(errors="replace")
        return [int(pid) for pid in re.findall(r"worker \d+ of \d+: pid (\d+) on", text)]

    def cpu(self) -> float:
        return sum(cpu_seconds(pid) for pid in self.pids)

    def rss(self) -> int:
        return sum(rss_kib(pid) for pid in self.pids)

    async def wait_ready(self, within: float = 90.0) -> None:
        static = f"/_nicegui/{nicegui.__version__}/static/nicegui.css"
        urls = [f"http://127.0.0.1:{self.first_worker_port + i}{static}" for i in range(self.workers)]
        if self.proxy:
            urls.append(f"{self.base_url}{static}")
        deadline = time.monotonic() + within
        async with aiohttp.ClientSession() as http:
            for url in urls:
                while True:
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"sm-app serve did not answer in {within} s:\n{self.log_tail()}")
                    if self.proc.poll() is not None:
                        raise RuntimeError(f"sm-app serve exited with {self.proc.returncode}:\n{self.log_tail()}")
                    try:
                        async with http.get(url, timeout=aiohttp.ClientTimeout(total=2)) as response:
                            if response.status == 200:
                                break
                    except (aiohttp.ClientError, TimeoutError):
                        pass
                    await asyncio.sleep(0.2)
        if len(self.pids) != self.workers:  # announced before they start, so known once they answer
            raise RuntimeError(f"expected {self.workers} worker pids in the log:\n{self.log_tail()}")

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return "(no log)"

    def log_problems(self) -> list[str]:
        lines = self.log_path.read_text(errors="replace").splitlines() if self.log_path.exists() else []
        return [line for line in lines if re.search(r"Traceback|ERROR|WARNING|Exception|not ready|\[error\]", line)]

    def stop(self) -> None:
        for proc in (self.nginx, self.proc):
            if proc is None or proc.poll() is not None:
                continue
            try:
                os.killpg(proc.pid, signal.SIGTERM)  # our own child's process group only
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)
            except ProcessLookupError:
                pass


def port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does: TIME-WAIT does not block it
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


# -- the bench -------------------------------------------------------------------------------------
@dataclass
class StepResult:
    rate: float
    seconds: float
    scheduled: int
    clicked: int
    confirmed: int
    delivered: int
    lost: int
    shown_twice: int
    send_errors: int
    other_errors: int
    latencies: list[float]
    by_side: dict[str, list[float]]
    lag_ms: list[float]
    cpu_s: float
    window_s: float
    idle_cpu_per_s: float
    generator_cpu: float

    @property
    def p95(self) -> float:
        return percentile(self.latencies, 95)

    @property
    def passed(self) -> bool:
        return self.passed_within(P95_BUDGET_MS)

    def passed_within(self, budget_ms: float) -> bool:
        return (self.p95 <= budget_ms and not self.lost and not self.shown_twice and not self.send_errors
                and not self.other_errors and self.clicked >= 0.9 * self.scheduled and self.delivered > 0)

    def cpu_ms_per_message(self, net: bool = False) -> float:
        cpu = self.cpu_s - (self.idle_cpu_per_s * self.window_s if net else 0.0)
        return cpu / self.delivered * 1000 if self.delivered else float("nan")


class Bench:
    def __init__(self, server: Server, nurses: list[Person], patients: list[Person],
                 conversations: list[Conversation], rng: random.Random):
        self.server = server
        self.nurses = nurses
        self.patients = patients
        self.conversations = conversations
        self.rng = rng
        self.counters = Counters()
        self.by_token: dict[str, Sent] = {}
        self.sending: dict[int, Sent] = {}  # id(page) -> the send waiting for that page's confirmation
        self.all_sent: list[Sent] = []
        self._ack_task: asyncio.Task | None = None

    # -- pages ------------------------------------------------------------------------------------
    def open_pages(self) -> list[Page]:
        tabs = [p.main for p in self.patients] + [n.main for n in self.nurses]
        return [t.page for t in tabs if t.page is not None and t.page.connected]

    def element_counts(self) -> str:
        kinds = {"patient's conversation": [p.main for p in self.patients],
                 "nurse's Worklist with a conversation open in it": [n.main for n in self.nurses]}
        means = {k: sum(sum(1 for _ in t.page.reachable()) for t in tabs) / len(tabs) for k, tabs in kinds.items()}
        return ", ".join(f"{k} {v:.0f}" for k, v in means.items())

    async def _ack_loop(self) -> None:
        while True:
            await asyncio.sleep(3.0)
            for page in self.open_pages():
                try:
                    await page.ack()
                except (socketio.exceptions.SocketIOError, ConnectionError):
                    pass

    def start_acks(self) -> None:
        self._ack_task = asyncio.get_running_loop().create_task(self._ack_loop())

    async def sign_in(self, person: Person, tab: Tab, target: str, *, worklist_of: Person | None = None) -> Page:
        path = await self.password_step(person, tab, target)
        return await self.open_kept(person, tab, path, worklist_of=worklist_of, expect=target)

    async def password_step(self, person: Person, tab: Tab, target: str) -> str:
        """The sign-in page: type email and password, click Sign in; returns where the server navigates to."""
        if person.browser is None:
            person.browser = Browser(self.server.base_url, self.counters)
        login = await person.browser.open(f"/login?redirect_to={quote(target)}", tab)
        email, _ = login.field("Email")
        password, _ = login.field("Password")
        button, _ = login.button("Sign in")
        await login.type(email, person.email)
        await login.type(password, person.password)
        await login.click(button)
        path = await login.wait_open(60)
        if path is None or not path.startswith("/login/finish"):
            shown = [e.get("text") for e in login.reachable() if "text-negative" in (e.get("class") or ())]
            raise PageError(f"sign-in of {person.email} did not finish: {path!r} {shown}")
        return path

    async def open_kept(self, person: Person, tab: Tab, path: str, *, worklist_of: Person | None = None,
                        expect: str | None = None) -> Page:
        if worklist_of is not None:
            page = await person.browser.open(path, tab, lambda p, m, t: self.on_worklist_update(worklist_of, p, m, t),
                                             self.on_notify)
        else:
            page = await person.browser.open(path, tab, self.on_conversation_update, self.on_notify)
        if expect is not None and page.path != expect:
            raise PageError(f"{person.email} landed on {page.path}, not {expect}")
        return page

    async def sign_in_everyone(self) -> None:
        """Everyone signs in (at most 4 at a time) and their browser follows /login/finish, which sets the session
        cookie and answers with a redirect to the kept page; the page itself is opened later (`open_teams`)."""
        gate = asyncio.Semaphore(SIGN_INS_AT_ONCE)

        async def one(person: Person, target: str) -> None:
            async with gate:
                finish = await self.password_step(person, person.main, target)
                person.landing = await person.browser.redirect(finish)
                if person.landing != target:
                    raise PageError(f"{person.email}: sign-in leads to {person.landing}, not {target}")
                await person.main.page.close()
                person.main.page = None

        await asyncio.gather(*(one(n, "/worklist") for n in self.nurses),
                             *(one(self.patients[c.patient], f"/thread/{c.id}") for c in self.conversations))

    async def open_teams(self, teams: range) -> None:
        """The signed-in people of these care teams open the pages they keep open."""

        gate = asyncio.Semaphore(PAGES_OPENING_AT_ONCE)

        async def nurse(i: int) -> None:
            n = self.nurses[i]
            first = next(c for c in self.conversations if c.nurse == i)
            async with gate:
                await self.open_kept(n, n.main, n.landing, worklist_of=n, expect="/worklist")
                await self.open_in_worklist(n, first)

        async def patient(c: Conversation) -> None:
            p = self.patients[c.patient]
            async with gate:
                await self.open_kept(p, p.main, p.landing, expect=f"/thread/{c.id}")

        await asyncio.gather(*(nurse(i) for i in teams), *(patient(c) for c in self.conversations if c.nurse in teams))

    async def close_everyone(self) -> None:
        if self._ack_task is not None:
            self._ack_task.cancel()
        for person in self.nurses + self.patients:
            if person.main.page is not None:
                await person.main.page.close()
                person.main.page = None
            person.reading = None
            if person.browser is not None:
                await person.browser.close()
                person.browser = None

    async def open_in_worklist(self, nurse: Person, c: Conversation) -> None:
        """The nurse opens conversation `c` inside their Worklist, as a plain click on its row does in a browser
        (the row's "open" event; worklist_row.js): back to the list first when another conversation is open there,
        waiting, as a person does, until the list is shown."""
        page = nurse.main.page
        if nurse.reading == c.id:
            return
        href = f"/thread/{c.id}"

        def row() -> list[tuple[str, dict]]:
            return page.find(lambda e: (e.get("props") or {}).get("href") == href and any(
                ev["type"] == "open" for ev in e.get("events") or ()))

        if nurse.reading is not None:
            back, _ = page.button("Back to Worklist")
            await page.click(back)
            nurse.reading = None
        if not await page.wait_for(lambda: len(row()) == 1 and page.visible(row()[0][0]), OPEN_SECONDS):
            raise PageError(f"{nurse.email}: the Worklist never showed the row of {c.id}")
        await page.emit(row()[0][0], "open")
        nurse.reading = c.id
        if not await page.wait_for(lambda: len(page.find(is_button("Reply"))) == 1, OPEN_SECONDS):
            raise PageError(f"{nurse.email}: the conversation {c.id} never opened in the Worklist")

    async def warm_up(self) -> None:
        """A nurse and 3 of their patients sign in, open their kept pages once and leave: first-use costs (imports,
        caches, templates) are paid before the memory baseline."""
        n = self.nurses[0]
        mine = [c for c in self.conversations if c.nurse == 0][:SIGN_INS_AT_ONCE - 1]

        async def patient(c: Conversation) -> None:
            await self.sign_in(self.patients[c.patient], self.patients[c.patient].main, f"/thread/{c.id}")

        async def nurse() -> None:
            await self.sign_in(n, n.main, "/worklist", worklist_of=n)
            await self.open_in_worklist(n, mine[0])
            await self.open_in_worklist(n, mine[1])

        await asyncio.gather(nurse(), *(patient(c) for c in mine))
        await asyncio.sleep(1.0)
        await self.close_everyone()

    # -- what arrives -----------------------------------------------------------------------------
    def on_notify(self, page: Page, msg: dict, now: float) -> None:
        sent = self.sending.get(id(page))
        if sent is None or sent.confirmed is not None or sent.error is not None:
            return
        if msg.get("type") == "positive" and msg.get("message") == "Reply sent":
            sent.confirmed = now
        elif msg.get("type") == "negative":
            sent.error = f"notification: {msg.get('message')}"

    def on_conversation_update(self, page: Page, msg: dict, now: float) -> None:
        found = {t for e in msg.values() if e and isinstance(e.get("text"), str) for t in TOKEN.findall(e["text"])}
        if not found:
            return
        shown = Counter(t for e in page.reachable() if isinstance(e.get("text"), str) for t in TOKEN.findall(e["text"]))
        for token in found:
            sent = self.by_token.get(token)
            if sent is None:
                continue
            sent.shown_max = max(sent.shown_max, shown.get(token, 0))
            patient_page = self.patients[sent.conversation.patient].main.page
            if (sent.side == "staff" and page is patient_page and sent.delivered is None and sent.clicked is not None
                    and shown.get(token, 0) >= 1):
                sent.delivered = now
                sent.done.set()

    def _alone_in_flight(self, sent: Sent) -> bool:
        """No other change to this conversation can still be on its way to the Worklist: every other send to it
        was confirmed (or failed) at least OVERLAP_SECONDS before this click, or was a patient's message whose own
        update of the row came before this click while the nurse's Worklist shows another conversation (or none) and
        no send of the nurse's to this one has started (opening it there, or reading a message on it there, marks
        messages read, which changes the row again)."""
        c = sent.conversation
        reading = self.nurses[c.nurse].reading == c.id
        for other in self.all_sent:
            if other is sent or other.conversation is not c:
                continue
            if other.clicked is None:
                if other.side == "staff" and other.error is None:
                    return False  # the nurse may be opening this conversation to answer it
                continue
            settled = other.confirmed if other.confirmed is not None else (None if other.error is None else 0.0)
            if settled is not None and settled <= sent.clicked - OVERLAP_SECONDS:
                continue
            if (other.side == "patient" and other.delivered is not None and other.delivered < sent.clicked
                    and not reading):
                continue
            return False
        return True

    def on_worklist_update(self, nurse: Person, page: Page, msg: dict, now: float) -> None:
        # After "Reply sent" an update of the row can only come from this send or a later one. Before it, it
        # counts too when nothing else was under way in that conversation: with several processes the nurse's
        # process may show the message before the sender's process has told the sender.
        self.on_conversation_update(page, msg, now)  # a conversation open in the Worklist shows each message once
        touched = rows_touched(page, msg)
        nurse.row_updates.extend((now, c) for c in touched)
        armed = [s for s in nurse.awaiting if s.delivered is None and s.clicked is not None
                 and (s.confirmed is not None or self._alone_in_flight(s))]
        if not armed:
            return
        for sent in armed:
            if sent.conversation.id in touched:
                sent.delivered = now
                sent.done.set()
        nurse.awaiting = [s for s in nurse.awaiting if s.delivered is None]

    # -- sending ----------------------------------------------------------------------------------
    async def _reply(self, page: Page, sent: Sent) -> None:
        # Parts of a page can arrive after its HTML (NiceGUI sends the rest as updates once the socket is there
        # when the page awaits the browser while building): a person waits until the Reply button is shown.
        if not await page.wait_for(lambda: len(page.find(is_button("Reply"))) == 1, CONFIRM_SECONDS):
            sent.error = "the Reply button did not appear"
            return
        reply, _ = page.button("Reply")
        await page.click(reply)

        def box_shown() -> bool:
            # The reply box may be made by this click (the app builds it on first use) or only shown again.
            found = page.find(lambda e: (e.get("props") or {}).get("label") == "Message" and any(
                ev["type"].startswith("update:") for ev in e.get("events") or ()))
            return len(found) == 1 and page.visible(found[0][0])

        if not await page.wait_for(box_shown, CONFIRM_SECONDS):
            sent.error = "the reply box did not open"
            return
        box, _ = page.field("Message")
        await page.type(box, sent.body)
        send, _ = page.button("Send")
        self.sending[id(page)] = sent
        try:
            sent.clicked = await page.click(send)

            def answered() -> bool:
                field_error = (page.elements.get(box, {}).get("props") or {}).get("error")
                if field_error and sent.error is None:
                    sent.error = f"field error: {field_error}"
                return sent.confirmed is not None or sent.error is not None

            if not await page.wait_for(answered, CONFIRM_SECONDS):
                sent.error = "no confirmation within 10 s"
        finally:
            self.sending.pop(id(page), None)

    async def send(self, sent: Sent) -> None:
        c = sent.conversation
        try:
            if sent.side == "patient":
                person = self.patients[c.patient]
                self.nurses[c.nurse].awaiting.append(sent)
                async with person.lock:
                    await self._reply(person.main.page, sent)
            else:
                nurse = self.nurses[c.nurse]
                async with nurse.lock:
                    await self.open_in_worklist(nurse, c)
                    await self._reply(nurse.main.page, sent)
        except (PageError, socketio.exceptions.SocketIOError, aiohttp.ClientError, TimeoutError) as exc:
            sent.error = f"{exc.__class__.__name__}: {exc}"
        if sent.error is None and sent.delivered is None and sent.clicked is not None:
            try:
                await asyncio.wait_for(sent.done.wait(), LOSS_SECONDS - (time.perf_counter() - sent.clicked))
            except TimeoutError:
                pass
        if sent.error is not None:
            self.counters.note(f"send {sent.token} ({sent.side}): {sent.error}")
        if sent.side == "patient":
            nurse = self.nurses[c.nurse]
            nurse.awaiting = [s for s in nurse.awaiting if s is not sent]

    def new_sent(self, side: str, scheduled: float) -> Sent:
        token = f"ref-{secrets.randbelow(10 ** 12):012d}"
        c = self.rng.choice(self.conversations)
        sent = Sent(token, c, side, scheduled, (PATIENT_TEXT if side == "patient" else NURSE_TEXT).format(token=token))
        self.by_token[token] = sent
        self.all_sent.append(sent)
        return sent

    async def run_rate(self, rate: float, seconds: float, idle_cpu_per_s: float) -> StepResult:
        arrivals, t = [], self.rng.expovariate(rate)
        while t < seconds:
            arrivals.append(t)
            t += self.rng.expovariate(rate)
        errors_before = self.other_errors()
        cpu0, gen0, t0 = self.server.cpu(), time.process_time(), time.perf_counter()
        tasks, sends = [], []
        for i, at in enumerate(arrivals):
            delay = t0 + at - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            sent = self.new_sent("patient" if i % 2 == 0 else "staff", t0 + at)
            sends.append(sent)
            tasks.append(asyncio.get_running_loop().create_task(self.send(sent)))
        await asyncio.gather(*tasks)
        in_time = sum(1 for s in sends if s.clicked is not None and s.clicked <= t0 + seconds + CLICK_GRACE_SECONDS)
        t1 = time.perf_counter()
        cpu1, gen1 = self.server.cpu(), time.process_time()
        ok = [s for s in sends if s.error is None and s.confirmed is not None]
        delivered = [s for s in ok if s.delivered is not None]
        by_side = {side: [s.latency_ms for s in delivered if s.side == side] for side in ("staff", "patient")}
        return StepResult(
            rate=rate, seconds=seconds, scheduled=len(sends), clicked=in_time, confirmed=len(ok),
            delivered=len(delivered), lost=len(ok) - len(delivered),
            shown_twice=sum(1 for s in sends if s.shown_max > 1),
            send_errors=sum(1 for s in sends if s.error is not None),
            other_errors=self.other_errors() - errors_before,
            latencies=[s.latency_ms for s in delivered], by_side=by_side,
            lag_ms=[(s.clicked - s.scheduled) * 1000 for s in sends if s.clicked is not None],
            cpu_s=cpu1 - cpu0, window_s=t1 - t0, idle_cpu_per_s=idle_cpu_per_s,
            generator_cpu=(gen1 - gen0) / (t1 - t0))

    def other_errors(self) -> int:
        c = self.counters
        return c.http_5xx + c.http_other + c.disconnects + c.connect_failures + c.not_ready

    # -- exactly once, at the end -----------------------------------------------------------------
    def final_check(self) -> tuple[int, int]:
        """Confirmed tokens missing from, or shown more than once on, their patient's page now."""
        missing = twice = 0
        confirmed = [s for s in self.all_sent if s.confirmed is not None]
        shown: dict[int, Counter] = {}
        for sent in confirmed:
            page = self.patients[sent.conversation.patient].main.page
            if id(page) not in shown:
                shown[id(page)] = Counter(t for e in page.reachable() if isinstance(e.get("text"), str)
                                          for t in TOKEN.findall(e["text"]))
            count = shown[id(page)].get(sent.token, 0)
            missing += count == 0
            twice += count > 1
        return missing, twice

    def lost_notes(self) -> list[str]:
        """For each lost send: its times and those of the other sends to its conversation around it (ms from its
        click), to tell a row that never changed from a push that never came."""
        def times(s: Sent, origin: float) -> str:
            at = {k: getattr(s, k) for k in ("clicked", "confirmed", "delivered")}
            return ", ".join(f"{k} {(v - origin) * 1000:+.0f}" for k, v in at.items() if v is not None)

        notes = []
        for sent in self.all_sent:
            if not sent.confirmed or sent.delivered:
                continue
            around = [f"{s.side} {s.token} ({times(s, sent.clicked)})" for s in self.all_sent
                      if s is not sent and s.conversation is sent.conversation and s.clicked is not None
                      and abs(s.clicked - sent.clicked) < 3.0]
            rows = [f"{(at - sent.clicked) * 1000:+.0f}" for at, c in self.nurses[sent.conversation.nurse].row_updates
                    if c == sent.conversation.id and -3.0 < at - sent.clicked < LOSS_SECONDS]
            notes.append(f"lost {sent.side} {sent.token} in {sent.conversation.id[:8]} ({times(sent, sent.clicked)} "
                         f"ms); other sends to it within 3 s: {'; '.join(around) or 'none'}; its Worklist row "
                         f"changed at {', '.join(rows) or 'no time'} ms")
        return notes

    def stored_mismatches(self, url: str) -> list[str]:
        """Each conversation must hold the seeded message + its confirmed sends, no more, no fewer."""
        expected = Counter(s.conversation.id for s in self.all_sent if s.confirmed is not None)
        query = "SELECT thread_id, COUNT(*) FROM messages GROUP BY thread_id"
        if url.startswith("sqlite:///"):
            with sqlite3.connect(f"file:{url.removeprefix('sqlite:///')}?mode=ro", uri=True) as db:
                stored = dict(db.execute(query).fetchall())
        else:
            import psycopg  # noqa: PLC0415

            with psycopg.connect(url) as db:
                stored = dict(db.execute(query).fetchall())
        return [f"{c.id}: stored {stored.get(c.id, 0)}, expected {1 + expected[c.id]}"
                for c in self.conversations if stored.get(c.id, 0) != 1 + expected[c.id]]


def is_button(label: str):
    return lambda e: e.get("tag") == "q-btn" and (e.get("props") or {}).get("label") == label


def rows_touched(page: Page, msg: dict) -> set[str]:
    """Conversations whose row an update created or changed (see the module docstring, "Update detection")."""
    parents = page.parents()
    links: dict[str, set[str]] = {}  # element id -> conversations linked inside it
    for element_id, element in page.elements.items():
        m = THREAD_LINK.match(str((element.get("props") or {}).get("href") or ""))
        if m:
            node = element_id
            while node is not None:
                links.setdefault(node, set()).add(m.group(1))
                node = parents.get(node)
    touched: set[str] = set()
    for element_id, element in msg.items():
        if element is None:
            continue
        node = element_id
        while node is not None and node not in links:
            node = parents.get(node)
        if node is not None and len(links[node]) == 1:
            touched |= links[node]
    return touched


# -- reporting -------------------------------------------------------------------------------------
def fmt_ms(values: list[float]) -> str:
    if not values:
        return "n/a"
    return " / ".join(f"{percentile(values, p):.0f}" for p in (50, 95, 99)) + f" ms (n={len(values)})"


def print_step(r: StepResult, label: str) -> None:
    print(f"{label}: {r.rate:g} msg/s for {r.seconds:g} s, load average {loadavg()}")
    print(f"  sends scheduled {r.scheduled}, clicked in time {r.clicked}, confirmed {r.confirmed}, "
          f"delivered {r.delivered}, lost {r.lost}, shown twice {r.shown_twice}, failed sends {r.send_errors}, "
          f"other errors {r.other_errors}")
    print(f"  send→update p50 / p95 / p99: {fmt_ms(r.latencies)}")
    print(f"    nurse → patient's conversation page: {fmt_ms(r.by_side['staff'])}")
    print(f"    patient → nurse's Worklist row:      {fmt_ms(r.by_side['patient'])}")
    print(f"  start lag (click − schedule) p50 / p95 / p99: {fmt_ms(r.lag_ms)}")
    print(f"  server CPU {r.cpu_s:.2f} s over {r.window_s:.1f} s ({r.cpu_s / r.window_s * 100:.0f} % of its core): "
          f"{r.cpu_ms_per_message():.1f} ms per delivered message, {r.cpu_ms_per_message(net=True):.1f} ms above idle")
    print(f"  load generator CPU {r.generator_cpu * 100:.0f} % of its core"
          + ("  (near saturation: figures are a lower bound)" if r.generator_cpu > 0.9 else ""))
    print(f"  {'PASS' if r.passed else 'FAIL'}: p95 {r.p95:.0f} ms (budget {P95_BUDGET_MS:.0f}), "
          f"no errors/losses: {not (r.lost or r.shown_twice or r.send_errors or r.other_errors)}, "
          f"≥ 90 % clicked in time: {r.clicked >= 0.9 * r.scheduled}", flush=True)


async def run(args: argparse.Namespace) -> int:
    teams = args.clients // 10
    tmp = Path(tempfile.mkdtemp(prefix="sm-bench-live-"))
    data_dir = tmp / "data"
    data_dir.mkdir(mode=0o700)
    print(f"data: {tmp} ({'kept' if args.keep else 'removed at the end'})")
    url, drop = make_database(args.database, data_dir)
    t = time.perf_counter()
    nurses, patients, conversations = await seed(data_dir, teams, url)
    print(f"seeded {len(nurses)} teams × (1 nurse + {PATIENTS_PER_NURSE} patients), {len(conversations)} "
          f"conversations in {time.perf_counter() - t:.1f} s on {args.database}", flush=True)
    server = Server(data_dir, args.port, url, workers=args.workers, proxy=args.proxy)
    bench: Bench | None = None
    try:
        server.start()
        await server.wait_ready()
        print(f"server pid(s) {server.pids} " + (f"behind nginx on {server.base_url} (ports from "
              f"{server.first_worker_port})" if server.proxy else f"on {server.base_url}") +
              f", affinity {[sorted(os.sched_getaffinity(pid)) for pid in server.pids]}; load generator on core(s) "
              f"{sorted(os.sched_getaffinity(0))}", flush=True)
        bench = Bench(server, nurses, patients, conversations, random.Random(args.seed))
        rss_ready = server.rss()
        await bench.warm_up()
        await asyncio.sleep(SETTLE_SECONDS)  # the warm-up's pages are deleted 3 s after their sockets closed
        rss_warm = server.rss()
        t = time.perf_counter()
        await bench.sign_in_everyone()
        signed_in_s = time.perf_counter() - t
        await asyncio.sleep(SETTLE_SECONDS)  # the sign-in pages too
        rss0 = server.rss()
        print(f"sign-in: {len(nurses) + len(patients)} people through /login in {signed_in_s:.1f} s; server RSS "
              f"{rss_ready / 1024:.1f} MiB when ready, {rss_warm / 1024:.1f} after the warm-up, {rss0 / 1024:.1f} "
              f"after the sign-ins, before any kept page is open (load average {loadavg()})", flush=True)
        t, cpu_open = time.perf_counter(), 0.0
        half = range(0, teams // 2)
        for part in (half, range(half.stop, teams)):
            if part.stop == teams and teams > 1:
                await asyncio.sleep(SETTLE_SECONDS)
                rss_half, pages_half = server.rss(), len(bench.open_pages())
            cpu = server.cpu()
            await bench.open_teams(part)
            cpu_open += server.cpu() - cpu
        if teams == 1:
            rss_half = pages_half = 0
        bench.start_acks()
        print(f"opened and connected {len(bench.open_pages())} pages in {time.perf_counter() - t:.1f} s, in two "
              f"halves; server CPU while opening ≈ {cpu_open / len(bench.open_pages()) * 1000:.0f} ms per page "
              f"(load average {loadavg()})", flush=True)
        await asyncio.sleep(SETTLE_SECONDS)
        rss1 = server.rss()
        pages = len(bench.open_pages())
        per_page = (rss1 - rss0) / pages
        marginal = (rss1 - rss_half) / (pages - pages_half) if pages_half else float("nan")
        print(f"memory: server RSS {rss0 / 1024:.1f} MiB before any page, {rss1 / 1024:.1f} MiB with {pages} open "
              f"pages = {per_page:.0f} KiB per connected client ({(rss1 - rss0) / args.clients:.0f} KiB per person); "
              f"second half alone: {marginal:.0f} KiB per page")
        print(f"elements rendered per page (mean): {bench.element_counts()}", flush=True)
        cpu0, t = server.cpu(), time.perf_counter()
        await asyncio.sleep(args.idle_seconds)
        idle = (server.cpu() - cpu0) / (time.perf_counter() - t)
        print(f"idle: server CPU {idle * 1000:.1f} ms per second ({idle * 100:.1f} % of its core) with every page "
              f"open, over {args.idle_seconds:g} s", flush=True)

        main_result = await bench.run_rate(args.rate, args.seconds, idle)
        print_step(main_result, "fixed rate")
        best = best_capacity = None
        if args.find_max:
            capacity = max(args.capacity_budget or P95_BUDGET_MS, P95_BUDGET_MS)
            for rate in LADDER:
                await asyncio.sleep(3.0)
                step = await bench.run_rate(rate, args.step_seconds or args.seconds, idle)
                print_step(step, "step")
                if step.passed and best is best_capacity:  # every step so far within 150 ms
                    best = step
                if not step.passed_within(capacity):
                    break
                best_capacity = step
        await asyncio.sleep(2.0)
        missing, twice = bench.final_check()
        mismatches = bench.stored_mismatches(url)
        c = bench.counters
        problems = server.log_problems()
        print("summary")
        print(f"  connected clients (open pages): {pages} for {args.clients} people "
              f"({len(nurses)} nurses × 1 page, the Worklist, {len(patients)} patients × 1 page)")
        print(f"  memory per connected client: {per_page:.0f} KiB (second half of the pages alone: {marginal:.0f} KiB)")
        print(f"  idle server CPU with every page open: {idle * 1000:.1f} ms/s")
        print(f"  at {args.rate:g} msg/s: send→update p50/p95/p99 {fmt_ms(main_result.latencies)}; "
              f"server CPU per delivered message {main_result.cpu_ms_per_message():.1f} ms "
              f"({main_result.cpu_ms_per_message(net=True):.1f} ms above idle)")
        if args.find_max:
            print("  highest rate with p95 ≤ 150 ms and no errors or losses: "
                  + (f"{best.rate:g} msg/s (p95 {best.p95:.0f} ms)" if best else
                     f"none: the first step ({LADDER[0]} msg/s) failed"))
            if args.capacity_budget:
                print(f"  highest rate with p95 ≤ {capacity:g} ms and no errors or losses: "
                      + (f"{best_capacity.rate:g} msg/s (p95 {best_capacity.p95:.0f} ms)" if best_capacity else
                         f"none: the first step ({LADDER[0]} msg/s) failed"))
        print(f"  errors: failed sends {sum(1 for s in bench.all_sent if s.error)}, HTTP 5xx {c.http_5xx}, "
              f"other HTTP {c.http_other}, sockets refused {c.connect_failures}, dropped {c.disconnects}, "
              f"'not ready' pages {c.not_ready}, negative notifications {c.negative_notifies}, "
              f"server log warnings/errors {len(problems)}")
        print(f"  exactly once: lost {sum(1 for s in bench.all_sent if s.confirmed and not s.delivered)}, "
              f"shown twice {sum(1 for s in bench.all_sent if s.shown_max > 1)}; at the end missing from the "
              f"patient's page {missing}, shown twice {twice}; stored counts that differ {len(mismatches)}")
        for line in (c.notes + bench.lost_notes() + mismatches[:5] + problems[:10])[:30]:
            print(f"  note: {line}")
        clean = not (missing or twice or mismatches or main_result.lost or main_result.shown_twice
                     or main_result.send_errors or bench.other_errors())
        return 0 if clean else 1
    finally:
        if bench is not None:
            await bench.close_everyone()
        server.stop()
        drop()
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


def make_database(kind: str, data_dir: Path) -> tuple[str, callable]:
    """The clinic's database URL and how to remove it at the end."""
    if kind == "sqlite":
        return f"sqlite:///{data_dir / 'sm.db'}", lambda: None
    import psycopg  # noqa: PLC0415

    admin = os.environ.get("SM_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    name = f"sm_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"{admin.rsplit('/', 1)[0]}/{name}", drop


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m bench.bench_live", description=__doc__.split("\n\n")[0])
    p.add_argument("--clients", type=int, default=100, help="people: a multiple of 10 (1 nurse : 9 patients)")
    p.add_argument("--rate", type=float, default=5.0, help="messages per second, open loop (default 5)")
    p.add_argument("--seconds", type=float, default=30.0, help="length of the fixed-rate run (default 30)")
    p.add_argument("--find-max", action="store_true", help="then step rates up to the first failing one")
    p.add_argument("--step-seconds", type=float, default=None, help="length of each --find-max step")
    p.add_argument("--capacity-budget", type=float, default=None, metavar="MS",
                   help="--find-max goes on up to the first step whose p95 exceeds MS (> 150) and reports that "
                        "highest rate too: what the server carries once latency is allowed to grow")
    p.add_argument("--idle-seconds", type=float, default=20.0, help="idle CPU window (default 20)")
    p.add_argument("--port", type=int, default=8300, help="127.0.0.1 port for the server (default 8300)")
    p.add_argument("--seed", type=int, default=1, help="random seed for arrivals and conversations")
    p.add_argument("--keep", action="store_true", help="keep the temporary data directory and server log")
    p.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite",
                   help="the clinic's store (default sqlite; postgres: a fresh database, dropped at the end)")
    p.add_argument("--workers", type=int, default=1, help="server processes (more than 1: PostgreSQL, behind nginx)")
    p.add_argument("--proxy", action="store_true", help="nginx in front even of one process")
    args = p.parse_args()
    if args.workers > 1 and args.database != "postgres":
        p.error("--workers > 1 needs --database postgres")
    if (args.proxy or args.workers > 1) and not os.access("/usr/sbin/nginx", os.X_OK):
        p.error("nginx is not installed (scripts/ensure-nginx.sh)")
    if args.clients < 10 or args.clients % 10:
        p.error("--clients must be a multiple of 10 (each care team: 1 nurse and 9 patients)")
    for port in range(args.port, args.port + 1 + (args.workers if args.proxy or args.workers > 1 else 0)):
        if not port_free(port):
            p.error(f"port {port} is in use")
    python = Path(sys.executable)
    python = python.relative_to(ROOT) if python.is_relative_to(ROOT) else python
    print(f"command: {python} -m bench.bench_live {' '.join(sys.argv[1:])}".rstrip())
    for line in machine_facts():
        print(line)
    cores = sorted(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {1} if 1 in cores else {cores[-1]})
    print(f"load average at start: {loadavg()}", flush=True)
    raise SystemExit(asyncio.run(run(args)))


if __name__ == "__main__":
    main()
