"""Key ring and envelope encryption at rest.

Every encrypted field gets its own random 256-bit data key. The field is sealed with AES-256-GCM
under that data key, with associated data naming table, row id, column and format version, so a
ciphertext copied to another row or column does not decrypt. The data key is itself sealed
(wrapped) by the key-encryption key (KEK) read from SM_KEY_FILE; the KEK id is stored in the
envelope so keys can be rotated by re-wrapping data keys.

The key file also holds separate keys for the audit MAC, search tokens and backups, so one
purpose's key never serves another.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import stat
import struct
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

ENVELOPE_VERSION = 1
_NONCE = 12


class KeyFileError(Exception):
    """The key file is missing, unreadable, malformed or too open."""


class DecryptionError(Exception):
    """A ciphertext was altered, moved to another row, or sealed under an unknown key."""


@dataclass(frozen=True)
class KeyRing:
    current_kek_id: str
    keks: dict[str, bytes]
    audit_mac_key: bytes
    search_key: bytes
    backup_key: bytes

    # -- key file -------------------------------------------------------------------------------
    @classmethod
    def generate(cls) -> KeyRing:
        kek_id = "kek-" + secrets.token_hex(4)
        return cls(kek_id, {kek_id: AESGCM.generate_key(256)}, os.urandom(32), os.urandom(32), os.urandom(32))

    def to_json(self) -> str:
        enc = lambda b: base64.b64encode(b).decode()  # noqa: E731
        return json.dumps(
            {
                "current_kek_id": self.current_kek_id,
                "keks": {k: enc(v) for k, v in self.keks.items()},
                "audit_mac_key": enc(self.audit_mac_key),
                "search_key": enc(self.search_key),
                "backup_key": enc(self.backup_key),
            },
            indent=2,
        )

    @classmethod
    def load_or_create(cls, path: Path) -> KeyRing:
        """Read the key file, creating it 0600 on first run; refuse one others can read."""
        path = Path(path)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            ring = cls.generate()
            # O_EXCL: never overwrite a key file another process just created.
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                return cls.load(path)
            with os.fdopen(fd, "w") as f:
                f.write(ring.to_json())
            return ring
        return cls.load(path)

    @classmethod
    def load(cls, path: Path) -> KeyRing:
        path = Path(path)
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            raise KeyFileError(f"key file {path} does not exist") from None
        if mode & 0o077:
            raise KeyFileError(
                f"key file {path} is readable by group or others (mode {mode:o}); run: chmod 600 {path}"
            )
        try:
            raw = json.loads(path.read_text())
            dec = base64.b64decode
            keks = {k: dec(v) for k, v in raw["keks"].items()}
            ring = cls(raw["current_kek_id"], keks, dec(raw["audit_mac_key"]), dec(raw["search_key"]),
                       dec(raw["backup_key"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise KeyFileError(f"key file {path} is not a valid key file ({exc.__class__.__name__})") from None
        if ring.current_kek_id not in keks or any(len(k) != 32 for k in keks.values()):
            raise KeyFileError(f"key file {path} is not a valid key file (bad key-encryption key)")
        return ring

    # -- envelopes ------------------------------------------------------------------------------
    @staticmethod
    def _aad(table: str, row_id: str, column: str) -> bytes:
        return f"{table}|{row_id}|{column}|v{ENVELOPE_VERSION}".encode()

    def seal(self, plaintext: str, *, table: str, row_id: str, column: str) -> bytes:
        """Encrypt one field of one row. Layout: version, kek id, wrapped data key, nonce+ciphertext."""
        return self.seal_bytes(plaintext.encode("utf-8"), table=table, row_id=row_id, column=column)

    def open(self, envelope: bytes, *, table: str, row_id: str, column: str) -> str:
        try:
            return self.open_bytes(envelope, table=table, row_id=row_id, column=column).decode("utf-8")
        except UnicodeDecodeError:
            raise DecryptionError("ciphertext refused (not text)") from None

    def seal_bytes(self, plaintext: bytes, *, table: str, row_id: str, column: str) -> bytes:
        aad = self._aad(table, row_id, column)
        data_key = AESGCM.generate_key(256)
        wrap_nonce = os.urandom(_NONCE)
        wrapped = AESGCM(self.keks[self.current_kek_id]).encrypt(wrap_nonce, data_key, aad)
        nonce = os.urandom(_NONCE)
        ct = AESGCM(data_key).encrypt(nonce, plaintext, aad)
        kek_id = self.current_kek_id.encode()
        return (
            struct.pack(">BB", ENVELOPE_VERSION, len(kek_id))
            + kek_id
            + struct.pack(">H", len(wrapped) + _NONCE)
            + wrap_nonce
            + wrapped
            + nonce
            + ct
        )

    def open_bytes(self, envelope: bytes, *, table: str, row_id: str, column: str) -> bytes:
        aad = self._aad(table, row_id, column)
        try:
            version, kid_len = struct.unpack_from(">BB", envelope, 0)
            if version != ENVELOPE_VERSION:
                raise DecryptionError("unknown envelope version")
            pos = 2
            kek_id = envelope[pos : pos + kid_len].decode()
            pos += kid_len
            (wrap_len,) = struct.unpack_from(">H", envelope, pos)
            pos += 2
            wrap = envelope[pos : pos + wrap_len]
            pos += wrap_len
            kek = self.keks.get(kek_id)
            if kek is None:
                raise DecryptionError("sealed under an unknown key-encryption key")
            data_key = AESGCM(kek).decrypt(wrap[:_NONCE], wrap[_NONCE:], aad)
            body = envelope[pos:]
            return AESGCM(data_key).decrypt(body[:_NONCE], body[_NONCE:], aad)
        except (InvalidTag, struct.error, UnicodeDecodeError, ValueError) as exc:
            raise DecryptionError(f"ciphertext refused ({exc.__class__.__name__})") from None

    @staticmethod
    def envelope_kek_id(envelope: bytes) -> str:
        (kid_len,) = struct.unpack_from(">B", envelope, 1)
        return envelope[2 : 2 + kid_len].decode()
