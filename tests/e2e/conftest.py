"""Real-Chromium end-to-end fixtures: a served demo clinic in a subprocess and headless Chromium drivers.

Every server gets its own data directory (a copy of one seeded demo clinic) and a free port on
127.0.0.1. Every browser gets its own user-data-dir and HOME, so two drivers are two independent
people. Nothing here talks to anything but localhost; selenium-manager is kept offline.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .browser_steps import forget_cookies

CHROMIUM = os.environ.get("SM_E2E_CHROMIUM") or "/usr/bin/chromium"
CHROMEDRIVER = os.environ.get("SM_E2E_CHROMEDRIVER") or "/usr/bin/chromedriver"
SM_APP = Path(sys.executable).with_name("sm-app")

SERVER_START_TIMEOUT = 40.0

# selenium-manager must never try to download a driver or a browser.
os.environ["SE_OFFLINE"] = "true"


def _browser_problem() -> str | None:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    if missing:
        return f"not installed or not executable: {', '.join(missing)}"
    try:
        import selenium  # noqa: F401, PLC0415
    except ImportError as exc:
        return f"selenium is not importable ({exc})"
    return None


_BROWSER_PROBLEM = _browser_problem()


def pytest_report_header(config):
    if _BROWSER_PROBLEM:
        return f"e2e: Chromium NOT available ({_BROWSER_PROBLEM}): e2e tests will be skipped"
    return f"e2e: Chromium at {CHROMIUM}, chromedriver at {CHROMEDRIVER}"


def _require_browser() -> None:
    if _BROWSER_PROBLEM is None:
        return
    if os.environ.get("SM_REQUIRE_BROWSER") == "1":
        pytest.fail(f"SM_REQUIRE_BROWSER=1 but Chromium cannot run: {_BROWSER_PROBLEM}", pytrace=False)
    pytest.skip(f"Chromium not available ({_BROWSER_PROBLEM}); set SM_REQUIRE_BROWSER=1 to make this a failure")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _clean_env(data_dir: Path, port: int) -> dict[str, str]:
    # PYTEST_CURRENT_TEST would make NiceGUI's ui.run() think it is under test and ignore SM_PORT.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SM_", "NICEGUI_", "PYTEST_"))}
    env.update(
        SM_DATA_DIR=str(data_dir),
        SM_PORT=str(port),
        SM_HOST="127.0.0.1",
        SM_BASE_URL=f"http://127.0.0.1:{port}",
        PYTHONUNBUFFERED="1",
    )
    return env


@dataclass
class AppServer:
    """`sm-app serve` on a data directory, as its own process group so it can be SIGKILLed whole."""

    data_dir: Path
    port: int = field(default_factory=_free_port)
    proc: subprocess.Popen | None = None
    _log_handle: object = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.data_dir.parent / f"serve-{self.port}.log"

    def env(self) -> dict[str, str]:
        return _clean_env(self.data_dir, self.port)

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return "(no log)"

    def start(self) -> AppServer:
        assert self.proc is None or self.proc.poll() is not None, "already running"
        if self._log_handle is not None:
            self._log_handle.close()
        self._log_handle = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [str(SM_APP), "serve"], env=self.env(), cwd=self.data_dir.parent,
            stdout=self._log_handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
        )
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"sm-app serve exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/login", timeout=2) as response:
                    if response.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"sm-app serve did not answer GET /login in {SERVER_START_TIMEOUT} s:\n{self.log_tail()}")

    def sigkill(self) -> None:
        """Kill the whole process group at once, no shutdown hooks, no flushing."""
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
            except ProcessLookupError:
                pass
        if self._log_handle is not None:
            self._log_handle.close()
            self._log_handle = None


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """One seeded demo clinic (database + key file); every server works on its own copy."""
    _require_browser()
    root = tmp_path_factory.mktemp("demo-template")
    data_dir = root / "data"
    result = subprocess.run([str(SM_APP), "demo"], env=_clean_env(data_dir, _free_port()), cwd=root,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"sm-app demo failed:\n{result.stdout}\n{result.stderr}"
    assert "patient@demo.clinic" in result.stdout, result.stdout
    return data_dir


@pytest.fixture(scope="session")
def make_server(demo_template: Path, tmp_path_factory) -> Iterator[Callable[[], AppServer]]:
    servers: list[AppServer] = []

    def make() -> AppServer:
        root = tmp_path_factory.mktemp("clinic")
        data_dir = root / "data"
        shutil.copytree(demo_template, data_dir)
        data_dir.chmod(0o700)
        server = AppServer(data_dir)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


@pytest.fixture(scope="module")
def shared_server(make_server) -> Iterator[AppServer]:
    """A running demo clinic shared by the tests of one module."""
    server = make_server().start()
    yield server
    server.stop()


@pytest.fixture
def server(make_server) -> Iterator[AppServer]:
    """A running demo clinic of this test alone (the test may kill and restart it)."""
    server = make_server().start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _no_server_tracebacks(request):
    """A test fails if the server it used logged a traceback while it ran (an exception the page may hide)."""
    servers = [request.getfixturevalue(n) for n in ("shared_server", "server") if n in request.fixturenames]
    sizes = {id(s): s.log_path.stat().st_size if s.log_path.exists() else 0 for s in servers}
    yield
    for server in servers:
        if not server.log_path.exists():
            continue
        with open(server.log_path, "rb") as log:
            log.seek(sizes[id(server)])
            new = log.read().decode(errors="replace")
        assert "Traceback (most recent call last)" not in new, f"the server logged an error:\n{new[-6000:]}"


def _new_driver(name: str, root: Path, capabilities: dict | None = None):
    from selenium import webdriver  # noqa: PLC0415
    from selenium.webdriver.chrome.service import Service  # noqa: PLC0415

    home, profile = root / "home", root / "profile"
    home.mkdir()
    profile.mkdir()
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--disable-quic", "--no-default-browser-check", "--disable-extensions",
        "--window-size=1280,900", f"--user-data-dir={profile}",
    ):
        options.add_argument(arg)
    for key, value in (capabilities or {}).items():
        options.set_capability(key, value)
    env = {**os.environ, "HOME": str(home), "SE_OFFLINE": "true"}
    service = Service(executable_path=CHROMEDRIVER, env=env, log_output=str(root / "chromedriver.log"))
    driver = webdriver.Chrome(options=options, service=service)
    driver.e2e_name = name
    return driver


@pytest.fixture(scope="session")
def _drivers(tmp_path_factory) -> Iterator[dict]:
    """One Chromium per person for the whole run (each its own profile and HOME); reset between tests."""
    drivers: dict = {}
    yield drivers
    for driver in drivers.values():
        try:
            driver.quit()
        except Exception:  # noqa: BLE001, S110 - a dead driver must not hide the test result
            pass


def _reset(driver) -> None:
    """Leave the page (its websocket closes) and forget every cookie: the next test starts signed out."""
    driver.get("about:blank")
    forget_cookies(driver)


@pytest.fixture
def browser(request, _drivers, tmp_path_factory) -> Iterator[Callable[[str], object]]:
    """browser('nurse') -> a signed-out headless Chromium of that person; one separate browser per name."""
    _require_browser()
    used = []

    def get(name: str):
        driver = _drivers.get(name)
        if driver is not None:
            try:
                _reset(driver)
            except Exception:  # noqa: BLE001 - it died: start a new one
                driver = None
        if driver is None:
            driver = _drivers[name] = _new_driver(name, tmp_path_factory.mktemp(f"chromium-{name.replace(' ', '-')}"))
        used.append(driver)
        return driver

    yield get

    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    for driver in used:
        try:
            if failed:
                print(f"\n--- {driver.e2e_name}: {driver.current_url}\n{driver.find_element('tag name', 'body').text}")
            _reset(driver)
        except Exception as exc:  # noqa: BLE001 - diagnostics only
            print(f"\n--- {driver.e2e_name}: unusable ({exc})")


# In a classic WebDriver session ChromeDriver accepts a page's "Leave site?" (beforeunload) confirmation
# by itself, whatever unhandledPromptBehavior says (checked with ChromeDriver 156). Only a BiDi session
# told to leave beforeunload prompts alone keeps the confirmation open for switch_to.alert.
SHOW_LEAVE_PROMPTS = {
    "webSocketUrl": True,
    "unhandledPromptBehavior": {"beforeUnload": "ignore", "default": "dismiss and notify"},
}


@pytest.fixture
def leave_prompt_browser(request, tmp_path_factory) -> Iterator[Callable[[str], object]]:
    """leave_prompt_browser('patient') -> a signed-out Chromium that shows beforeunload confirmations.

    A fresh Chromium for this test alone, quit at the end: an open confirmation would block the
    about:blank reset that the shared browsers get.
    """
    _require_browser()
    drivers = []

    def get(name: str):
        root = tmp_path_factory.mktemp(f"chromium-{name.replace(' ', '-')}-leave-prompts")
        driver = _new_driver(f"{name} (leave prompts)", root, SHOW_LEAVE_PROMPTS)
        drivers.append(driver)
        return driver

    yield get

    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    for driver in drivers:
        try:
            if failed:
                print(f"\n--- {driver.e2e_name}: {driver.current_url}\n{driver.find_element('tag name', 'body').text}")
        except Exception as exc:  # noqa: BLE001 - diagnostics only
            print(f"\n--- {driver.e2e_name}: unusable ({exc})")
        try:
            driver.quit()
        except Exception:  # noqa: BLE001, S110 - a dead driver must not hide the test result
            pass


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
