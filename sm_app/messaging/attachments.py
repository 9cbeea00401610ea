"""Attachments: checked by content and extension, sealed on disk, downloaded only by those who may see them.

Checks happen when a file is picked (`check_file`) and again when the message is sent, so a page
cannot smuggle a file past them. The allow-list is by magic bytes, and the extension must agree
with what the bytes are: a renamed executable or an HTML page called "x.pdf" is refused.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from sm_app.shared.errors import ValidationError

MAX_FILES = 4
MAX_FILE_BYTES = 6 * 1024 * 1024
MAX_TOTAL_BYTES = 10 * 1024 * 1024
FIELD = "Attach files"
MAX_NAME_CHARS = 120  # shown and stored names
MAX_EXTENSION_CHARS = 16

# extension -> detected kind it must be
EXTENSIONS = {
    "pdf": "pdf", "png": "png", "jpg": "jpeg", "jpeg": "jpeg", "gif": "gif", "txt": "txt", "rtf": "rtf",
    "doc": "doc", "xls": "xls", "docx": "docx", "xlsx": "xlsx",
}
ALLOWED_TEXT = "PDF, PNG, JPEG, GIF, TXT, RTF, DOC, DOCX, XLS or XLSX"


@dataclass(frozen=True)
class PendingFile:
    """A checked file waiting to be sent (kept in the sender's page only)."""

    name: str
    kind: str
    data: bytes
    digest: str

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class AttachmentInfo:
    id: str
    name: str
    kind: str
    size: int


@dataclass(frozen=True)
class Download:
    name: str
    kind: str
    data: bytes


def safe_name(name: str) -> str:
    """A display/download name without paths, drive letters, control characters or quotes; at most 120 characters.

    A long name loses characters from its stem, never its extension.
    """
    name = unicodedata.normalize("NFKC", name or "")
    name = re.split(r"[\\\\/]", name)[-1]  # drop any directory part, Windows or POSIX
    name = re.sub(r"^[A-Za-z]:", "", name)
    name = "".join(c for c in name if c.isprintable() and c not in '"<>|*?')
    name = name.strip(" .")
    if len(name) <= MAX_NAME_CHARS:
        return name or "file"
    # Shorten the stem, never the extension: the extension is what check_file matches against the content,
    # so cutting it off would refuse an honest long "....pdf" as the wrong type.
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext) > MAX_EXTENSION_CHARS:
        return name[:MAX_NAME_CHARS]  # no extension worth keeping (it could not be an allowed one anyway)
    return stem[:MAX_NAME_CHARS - len(ext) - 1].rstrip(" .") + "." + ext


def detect_kind(data: bytes) -> str | None:
    """What the bytes are, by their signature; None when not an allowed type."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if data.startswith(b"{\\rtf"):
        return "rtf"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"  # legacy Office: DOC or XLS, told apart by the extension
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        if "[Content_Types].xml" in names:
            if any(n.startswith("word/") for n in names):
                return "docx"
            if any(n.startswith("xl/") for n in names):
                return "xlsx"
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "\x00" in text or re.search(r"<\s*(script|html|svg|iframe)\b", text[:4096], re.I):
        return None
    return "txt"


def check_file(name: str, data: bytes, already: list[PendingFile]) -> PendingFile:
    """Check one picked file against the rules and the files already picked; the error says why."""
    shown = safe_name(name)
    if not data:
        raise ValidationError(FIELD, f"{shown} is empty.")
    digest = hashlib.sha256(data).hexdigest()
    if any(f.digest == digest for f in already):
        raise ValidationError(FIELD, f"{shown} is already attached.")
    if len(already) >= MAX_FILES:
        raise ValidationError(FIELD, f"You can attach at most {MAX_FILES} files.")
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError(FIELD, f"{shown} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    if sum(f.size for f in already) + len(data) > MAX_TOTAL_BYTES:
        raise ValidationError(FIELD, f"Attachments can be at most {MAX_TOTAL_BYTES // (1024 * 1024)} MB together.")
    ext = shown.rsplit(".", 1)[-1].lower() if "." in shown else ""
    expected = EXTENSIONS.get(ext)
    if expected is None:
        raise ValidationError(FIELD, f"{shown}: only {ALLOWED_TEXT} files can be attached.")
    kind = detect_kind(data)
    if kind == "ole" and expected in ("doc", "xls"):
        kind = expected
    if kind != expected:
        raise ValidationError(FIELD, f"{shown} is not really a {ext.upper()} file, so it cannot be attached.")
    return PendingFile(shown, kind, data, digest)


def recheck(files: list[PendingFile]) -> list[PendingFile]:
    """Run every rule again over the whole set, as the server received it."""
    checked: list[PendingFile] = []
    for f in files:
        checked.append(check_file(f.name, f.data, checked))
    return checked
