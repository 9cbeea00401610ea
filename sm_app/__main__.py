"""Management command line: `sm-app <command>` or `python -m sm_app <command>`.

Every failure prints one line to stderr and exits non-zero.
"""

from __future__ import annotations

import argparse
import asyncio
import faulthandler
import logging
import os
import signal
import subprocess
import sys
from datetime import date

from sm_app.config import Settings


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one clear line instead of usage + message
        print(f"sm-app: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="sm-app", description="Clinic secure messaging")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    sv = sub.add_parser("serve", help="migrate and serve the web app")
    sv.add_argument("--workers", type=int, default=1, metavar="N",
                    help="N processes on consecutive ports from SM_PORT, for a proxy with sticky sessions in front "
                         "(PostgreSQL only; see the README's larger clinic)")
    sub.add_parser("demo", help="migrate and seed the demo clinic if the database is empty")
    sub.add_parser("migrate", help="bring the database schema up to date")
    cu = sub.add_parser("create-user", help="create a user; the password is read from stdin")
    cu.add_argument("--email", required=True)
    cu.add_argument("--role", required=True)
    cu.add_argument("--name", default=None)
    cu.add_argument("--team", default=None, help="care team to join (staff) or be associated with (patient)")
    cu.add_argument("--password-stdin", action="store_true", required=True)
    cu.add_argument("--birth-date", default=None, metavar="YYYY-MM-DD",
                    help="a patient's date of birth (the second identifier on documentation notes)")
    cu.add_argument("--sex", default=None, choices=("female", "male", "other"), help="a patient's sex (broadcasts)")
    ct = sub.add_parser("create-team", help="create a care team")
    ct.add_argument("--name", required=True)
    am = sub.add_parser("add-member", help="add a staff member to a care team")
    am.add_argument("--team", required=True)
    am.add_argument("--email", required=True)
    am.add_argument("--role", required=True)
    am.add_argument("--lead", action="store_true")
    am.add_argument("--on-call", action="store_true", help="alerted at once when a message is flagged urgent")
    ap = sub.add_parser("assign-patient", help="associate a patient with a care team")
    ap.add_argument("--team", required=True)
    ap.add_argument("--email", required=True)
    sub.add_parser("verify-audit", help="check the audit log's hash chain")
    un = sub.add_parser("unlock", help="end the sign-in waits of an account after failed attempts")
    un.add_argument("--email", required=True)
    sub.add_parser("triage-text", help="read one message on stdin; exit 0 if it suggests an emergency, 1 if not")
    return p


def _fail(message: str, code: int = 1) -> None:
    print(f"sm-app: error: {message}", file=sys.stderr)
    raise SystemExit(code)


async def _with_system(settings: Settings, work, clock=None):
    from sm_app.bootstrap import build_system  # noqa: PLC0415

    system = build_system(settings, clock=clock)
    try:
        return await work(system)
    finally:
        await system.close()


def _print_demo_sign_ins() -> None:
    from sm_app.demo import demo_sign_ins  # noqa: PLC0415

    print("Demo sign-ins (demo clinic only):")
    for d in demo_sign_ins():
        print(f"  {d.role:<11} {d.email:<28} {d.password}")


def _triage_text() -> None:
    """The urgent-message check on its own: no database, no key file, nothing written."""
    from sm_app.safety.urgency import assess  # noqa: PLC0415

    try:
        text = sys.stdin.buffer.read().decode("utf-8")
    except UnicodeDecodeError:
        _fail("the message on stdin is not UTF-8 text", code=2)
    if not text.strip():
        _fail("no message on stdin", code=2)
    decision = assess(text)
    if decision.urgent:
        print(f"urgent: {decision.kind} ({decision.label})")
        print(f"evidence: {decision.explanation()}")
        source = "learned model (no rule fired)" if decision.learned else "lexicon, confirmed by the learned model"
        print(f"source: {source}")
        if len(decision.kinds) > 1:
            print(f"also: {', '.join(decision.kinds[1:])}")
    else:
        print("not urgent")
    print(f"language: {decision.language}")
    raise SystemExit(0 if decision.urgent else 1)


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    if args.command == "triage-text":
        _triage_text()
    # Everything the app writes (database, WAL, key file, NiceGUI's per-browser files holding session
    # tokens) is for this account only.
    os.umask(0o077)
    settings = Settings.from_env()
    workers = getattr(args, "workers", 1)
    if args.command == "serve" and workers != 1:
        _check_workers(settings, workers)
    # NiceGUI reads this when first imported: keep its per-browser files with the clinic's data.
    os.environ.setdefault("NICEGUI_STORAGE_PATH", str(settings.data_dir / "nicegui"))

    from sm_app.adapters.crypto import KeyFileError  # noqa: PLC0415
    from sm_app.adapters.migrate import upgrade  # noqa: PLC0415
    from sm_app.shared.errors import NotFound, ValidationError  # noqa: PLC0415

    try:
        settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        if args.command != "verify-audit":
            upgrade(settings.database_url)
        if args.command != "serve":
            asyncio.run(_run(args, settings))
        elif workers > 1:
            _serve_workers(settings, workers)
        else:
            _serve(settings)
    except KeyFileError as exc:
        _fail(str(exc))
    except ValidationError as exc:
        _fail(exc.message)
    except NotFound as exc:
        _fail(str(exc))
    except (OSError, ValueError) as exc:
        _fail(f"{exc.__class__.__name__}: {exc}")


def _log_to_stderr() -> None:
    """The app's own log lines (counts and ids only, never health information) with the process id: with several
    workers, which process said what (which one leads the scheduled jobs)."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s sm-app[%(process)d] %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("sm_app")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


def _serve(settings: Settings) -> None:
    from sm_app.app import run  # noqa: PLC0415
    from sm_app.bootstrap import build_system  # noqa: PLC0415

    _log_to_stderr()
    # A crash in native code (the SQLite driver, a C extension) then leaves the Python stacks of every thread in the
    # log instead of a process that is simply gone. Code locations only, never data.
    faulthandler.enable()

    system = build_system(settings)
    if not settings.smtp_host:
        print(f"No SMTP server in SM_SMTP_HOST: emails are written to {settings.data_dir / 'mail'} unless an admin "
              "saved one under Admin → Email settings", flush=True)
    print(f"Serving {settings.clinic_name} at {settings.base_url}", flush=True)
    run(system)


def _check_workers(settings: Settings, workers: int) -> None:
    from sm_app.adapters.db import is_sqlite  # noqa: PLC0415

    if workers < 1:
        _fail("--workers must be 1 or more")
    if is_sqlite(settings.database_url):
        _fail("--workers > 1 needs PostgreSQL: SQLite serves one process (one writer, pushes inside that process). "
              "Set SM_DATABASE_URL=postgresql://... or run without --workers.")


def _serve_workers(settings: Settings, workers: int) -> None:
    """N `sm-app serve` processes on SM_PORT, SM_PORT+1, …, all on the same data directory and database; this process
    only starts them, passes SIGTERM/SIGINT on, and waits. A worker that dies is reported, not restarted (the proxy
    sends its people to the others; a service manager restarts the whole)."""
    from sm_app.adapters.crypto import KeyRing  # noqa: PLC0415
    from sm_app.app import storage_secret  # noqa: PLC0415

    # Made once here, so the workers do not race to create them: every worker must read the same keys and sign
    # browser cookies with the same secret.
    KeyRing.load_or_create(settings.key_file)
    storage_secret(settings.storage_secret_file)
    env = {**os.environ, "SM_BASE_URL": settings.base_url, "SM_DATA_DIR": str(settings.data_dir),
           "SM_DATABASE_URL": settings.database_url, "SM_KEY_FILE": str(settings.key_file)}
    children: dict[int, tuple[int, subprocess.Popen]] = {}
    for i in range(workers):
        port = settings.port + i
        proc = subprocess.Popen([sys.executable, "-m", "sm_app", "serve"], env={**env, "SM_PORT": str(port)})
        children[proc.pid] = (port, proc)
        print(f"worker {i + 1} of {workers}: pid {proc.pid} on {settings.host}:{port}", flush=True)
    print(f"People open {settings.base_url} (SM_BASE_URL): the proxy in front of the workers "
          "(scripts/nginx-proxy.sh).", flush=True)
    stopping = False

    def stop(signum, _frame) -> None:
        nonlocal stopping
        stopping = True
        for _port, proc in children.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    failed = False
    while children:
        pid, status = os.wait()
        if pid not in children:
            continue
        port, _proc = children.pop(pid)
        code = os.waitstatus_to_exitcode(status)
        if not stopping:
            failed = True
            print(f"sm-app: worker pid {pid} on port {port} exited ({code}); the others go on serving",
                  file=sys.stderr, flush=True)
    raise SystemExit(1 if failed else 0)


async def _run(args, settings: Settings) -> None:
    from sm_app.demo import DEMO_FILE, SeedClock, seed_demo  # noqa: PLC0415

    if args.command == "migrate":
        added = await _with_system(settings, lambda system: system.library.ensure_shipped())
        print("Database is up to date." + (f" Added {added} library articles from data/library." if added else ""))
    elif args.command == "demo":
        async def work(system):
            created = await seed_demo(system)
            if created:
                print(f"Demo clinic created from {DEMO_FILE.name}: {created.conversations} conversations over "
                      f"{created.weeks} weeks.")
                return True
            return await system.accounts.find_user("patient@demo.clinic") is not None

        # The clock moves back only in this process, while the demo's past is played; `serve` uses the real one.
        if await _with_system(settings, work, clock=SeedClock()):
            _print_demo_sign_ins()
        else:
            print("The database already has users; the demo clinic was not added.")
    elif args.command == "create-user":
        birth_date = None
        if args.birth_date is not None:
            try:
                birth_date = date.fromisoformat(args.birth_date)
            except ValueError:
                _fail("--birth-date must be a date like 1961-04-12")
            if birth_date > date.today():  # checked before the account exists, so a typo creates nothing
                _fail("--birth-date cannot be in the future")
        if (birth_date is not None or args.sex is not None) and args.role != "patient":
            _fail("--birth-date and --sex are for patients")
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            _fail("no password on stdin")

        async def work(system):
            user = await system.accounts.create_user(email=args.email, role=args.role,
                                                     name=args.name or args.email.split("@")[0], password=password)
            if birth_date is not None or args.sex is not None:
                await system.accounts.set_demographics(email=user.email, birth_date=birth_date, sex=args.sex)
            if args.team:
                if args.role == "patient":
                    await system.accounts.assign_patient(team=args.team, email=user.email)
                else:
                    await system.accounts.add_member(team=args.team, email=user.email, role=args.role)
            return user

        user = await _with_system(settings, work)
        print(f"Created {user.role} {user.email}.")
    elif args.command == "create-team":
        team = await _with_system(settings, lambda system: system.accounts.create_team(args.name))
        print(f"Created care team {team.name}.")
    elif args.command == "add-member":
        await _with_system(settings, lambda system: system.accounts.add_member(
            team=args.team, email=args.email, role=args.role, lead=args.lead, on_call=args.on_call))
        marks = " and ".join(m for m, on in (("team lead", args.lead), ("on call", args.on_call)) if on)
        print(f"Added {args.email} to {args.team}{' as ' + marks if marks else ''}.")
    elif args.command == "assign-patient":
        await _with_system(settings, lambda system: system.accounts.assign_patient(team=args.team, email=args.email))
        print(f"Associated {args.email} with {args.team}.")
    elif args.command == "unlock":
        ended = await _with_system(settings, lambda system: system.sessions.unlock(args.email))
        print(f"Unlocked {args.email}: {ended} sign-in wait{'' if ended == 1 else 's'} ended.")
    elif args.command == "verify-audit":
        result = await _with_system(settings, lambda system: system.audit.verify())
        if result.ok:
            print(f"OK: {result.entries} audit entries, chain intact.")
        else:
            _fail(f"audit chain broken at entry {result.first_broken_seq}: {result.reason}")


if __name__ == "__main__":
    main()
