"""Envelope encryption and the key file."""

from __future__ import annotations

import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sm_app.adapters.crypto import DecryptionError, KeyFileError, KeyRing

RING = KeyRing.generate()


def seal(text="Blood pressure 150/95", row="r1"):
    return RING.seal(text, table="messages", row_id=row, column="body")


def test_sealed_text_round_trips_and_hides_plaintext():
    env = seal()
    assert b"Blood pressure" not in env
    assert RING.open(env, table="messages", row_id="r1", column="body") == "Blood pressure 150/95"


def test_same_text_seals_differently_each_time():
    assert seal() != seal()


@pytest.mark.parametrize("position", [-1, -20, 30, 60])
def test_tampered_ciphertext_is_refused(position):
    env = bytearray(seal())
    env[position] ^= 0x01
    with pytest.raises(DecryptionError):
        RING.open(bytes(env), table="messages", row_id="r1", column="body")


@pytest.mark.parametrize(("table", "row", "column"), [("messages", "r2", "body"), ("threads", "r1", "body"),
                                                       ("messages", "r1", "subject")])
def test_ciphertext_moved_to_another_row_or_column_is_refused(table, row, column):
    with pytest.raises(DecryptionError):
        RING.open(seal(), table=table, row_id=row, column=column)


def test_other_key_ring_cannot_open():
    with pytest.raises(DecryptionError):
        KeyRing.generate().open(seal(), table="messages", row_id="r1", column="body")


def test_truncated_envelope_is_refused():
    with pytest.raises(DecryptionError):
        RING.open(seal()[:20], table="messages", row_id="r1", column="body")


@given(st.text(max_size=2000))
def test_any_text_round_trips(text):
    env = RING.seal(text, table="t", row_id="x", column="c")
    assert RING.open(env, table="t", row_id="x", column="c") == text


def test_key_file_is_created_0600_and_reloaded(tmp_path):
    path = tmp_path / "keys.json"
    ring = KeyRing.load_or_create(path)
    assert os.stat(path).st_mode & 0o777 == 0o600
    again = KeyRing.load_or_create(path)
    assert again.open(ring.seal("x", table="t", row_id="1", column="c"), table="t", row_id="1", column="c") == "x"
    assert len({ring.audit_mac_key, ring.search_key, ring.backup_key, ring.keks[ring.current_kek_id]}) == 4


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644, 0o660])
def test_group_or_world_readable_key_file_is_refused(tmp_path, mode):
    path = tmp_path / "keys.json"
    KeyRing.load_or_create(path)
    path.chmod(mode)
    with pytest.raises(KeyFileError, match="chmod 600"):
        KeyRing.load_or_create(path)


def test_garbled_key_file_is_refused_with_a_clear_message(tmp_path):
    path = tmp_path / "keys.json"
    path.write_text("{not json")
    path.chmod(0o600)
    with pytest.raises(KeyFileError, match="not a valid key file"):
        KeyRing.load(path)
