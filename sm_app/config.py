"""All SM_* settings in one object, read once from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str) -> str:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    key_file: Path
    base_url: str
    host: str
    port: int
    clinic_name: str
    timezone: str
    storage_secret_file: Path
    ssl_certfile: str | None = None
    ssl_keyfile: str | None = None
    # Session rules from SECURITY.md; minutes.
    staff_idle_minutes: int = 15
    patient_idle_minutes: int = 30
    absolute_session_hours: int = 12
    # How often an open page asks the server whether its session is still alive.
    session_check_seconds: float = 10.0
    reply_target_business_days: int = 3
    # A patient cannot reply to a conversation whose last message is older than this (cfg).
    reply_window_days: int = 45
    terms_version: str = "2026-11"
    # How often the response-clock sweep looks for reminders and escalations that fell due.
    sweep_seconds: float = 60.0
    # Email (SM_SMTP_*). Without a host, emails go to files in $SM_DATA_DIR/mail (the demo): never lost.
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_security: str = "starttls"  # starttls | tls | none
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_ca_file: str = ""  # extra CA certificates (PEM) to trust for the SMTP server, e.g. a private CA
    smtp_from: str = "no-reply@localhost"
    smtp_timeout: float = 30.0
    mail_seconds: float = 5.0  # how often the dispatcher looks for emails to send
    mail_max_attempts: int = 8
    mail_backoff_seconds: float = 30.0  # first retry; doubles each time, capped at an hour
    digest_hour: int = 7  # daily digests go out from this hour, clinic time
    # The patient-education articles that ship with the app (data/library/<language>/<slug>.md).
    library_dir: Path = PROJECT_ROOT / "data" / "library"
    extra: dict = field(default_factory=dict)

    @property
    def https(self) -> bool:
        return bool(self.ssl_certfile and self.ssl_keyfile) or self.base_url.startswith("https://")

    @classmethod
    def from_env(cls) -> Settings:
        data_dir = Path(_env("SM_DATA_DIR", str(PROJECT_ROOT / "data" / "runtime"))).resolve()
        host = _env("SM_HOST", "127.0.0.1")
        port = int(_env("SM_PORT", "8080"))
        return cls(
            data_dir=data_dir,
            database_url=_env("SM_DATABASE_URL", f"sqlite:///{data_dir / 'sm.db'}"),
            key_file=Path(_env("SM_KEY_FILE", str(data_dir / "keys.json"))),
            base_url=_env("SM_BASE_URL", f"http://localhost:{port}"),
            host=host,
            port=port,
            clinic_name=_env("SM_CLINIC_NAME", "Riverside Family Clinic"),
            timezone=_env("SM_TIMEZONE", "America/New_York"),
            storage_secret_file=data_dir / "storage_secret",
            ssl_certfile=os.environ.get("SM_TLS_CERT") or None,
            ssl_keyfile=os.environ.get("SM_TLS_KEY") or None,
            staff_idle_minutes=int(_env("SM_STAFF_IDLE_MINUTES", "15")),
            patient_idle_minutes=int(_env("SM_PATIENT_IDLE_MINUTES", "30")),
            session_check_seconds=float(_env("SM_SESSION_CHECK_SECONDS", "10")),
            reply_window_days=int(_env("SM_REPLY_WINDOW_DAYS", "45")),
            reply_target_business_days=int(_env("SM_REPLY_TARGET_BUSINESS_DAYS", "3")),
            sweep_seconds=float(_env("SM_SWEEP_SECONDS", "60")),
            smtp_host=_env("SM_SMTP_HOST", ""),
            smtp_port=int(_env("SM_SMTP_PORT", "587")),
            smtp_security=_env("SM_SMTP_SECURITY", "starttls"),
            smtp_user=_env("SM_SMTP_USER", ""),
            smtp_password=_env("SM_SMTP_PASSWORD", ""),
            smtp_ca_file=_env("SM_SMTP_CA_FILE", ""),
            smtp_from=_env("SM_SMTP_FROM", "no-reply@localhost"),
            mail_seconds=float(_env("SM_MAIL_SECONDS", "5")),
            mail_max_attempts=int(_env("SM_MAIL_MAX_ATTEMPTS", "8")),
            mail_backoff_seconds=float(_env("SM_MAIL_BACKOFF_SECONDS", "30")),
            digest_hour=int(_env("SM_DIGEST_HOUR", "7")),
            library_dir=Path(_env("SM_LIBRARY_DIR", str(PROJECT_ROOT / "data" / "library"))),
        )
