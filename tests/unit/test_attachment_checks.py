"""Upload checks: by content and extension, with sizes, counts and duplicates (property-based where it helps)."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sm_app.messaging.attachments import MAX_FILE_BYTES, check_file, detect_kind, safe_name
from sm_app.shared.errors import ValidationError

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n%...\n"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
GIF = b"GIF89a" + b"\x00" * 16
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64


def office(kind: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml" if kind == "docx" else "xl/workbook.xml", "<x/>")
    return buf.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [("scan.pdf", PDF, "pdf"), ("photo.PNG", PNG, "png"), ("rash.jpg", JPEG, "jpeg"), ("rash.jpeg", JPEG, "jpeg"),
     ("anim.gif", GIF, "gif"), ("log.txt", b"glucose 110 mg/dL\n", "txt"), ("note.rtf", b"{\\rtf1 hi}", "rtf"),
     ("old.doc", OLE, "doc"), ("old.xls", OLE, "xls"), ("new.docx", office("docx"), "docx"),
     ("new.xlsx", office("xlsx"), "xlsx")],
)
def test_allowed_files_are_accepted_by_content(name, data, kind):
    assert check_file(name, data, []).kind == kind


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [("empty.pdf", b"", "is empty"),
     ("page.pdf", b"<html><script>alert(1)</script></html>", "not really a PDF"),
     ("virus.png", b"MZ\x90\x00" + b"\x00" * 32, "not really a PNG"),
     ("photo.pdf", PNG, "not really a PDF"),
     ("word.docx", office("xlsx"), "not really a DOCX"),
     ("tool.exe", b"MZ\x90\x00", "only PDF"),
     ("noextension", PDF, "only PDF"),
     ("evil.txt", b"<svg onload=alert(1)>", "not really a TXT"),
     ("zip.docx", b"PK\x03\x04garbage", "not really a DOCX")],
)
def test_empty_disguised_and_unlisted_files_are_refused_with_the_reason(name, data, words):
    with pytest.raises(ValidationError) as err:
        check_file(name, data, [])
    assert words in err.value.message and err.value.field == "Attach files"


def test_size_count_total_and_duplicate_limits():
    big = PDF + b"x" * (MAX_FILE_BYTES - len(PDF) + 1)
    with pytest.raises(ValidationError, match="larger than 6 MB"):
        check_file("big.pdf", big, [])
    five_mb = PDF + b"x" * (5 * 1024 * 1024)
    first = check_file("a.pdf", five_mb, [])
    with pytest.raises(ValidationError, match="10 MB together"):
        check_file("b.pdf", five_mb[:-10] + b"y" * 10 + b"z" * (512 * 1024), [first])  # 5.5 MB more
    with pytest.raises(ValidationError, match="already attached"):
        check_file("copy.pdf", five_mb, [first])
    files = [check_file(f"{i}.txt", f"note {i}".encode(), []) for i in range(4)]
    with pytest.raises(ValidationError, match="at most 4 files"):
        check_file("fifth.txt", b"five", files)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [("C:\\Users\\pat\\scan.pdf", "scan.pdf"), ("../../etc/passwd.txt", "passwd.txt"), ('a"b<c>.pdf', "abc.pdf"),
     ("D:scan.pdf", "scan.pdf"), ("   .pdf  ", "pdf"), ("\x00\x1bname.txt", "name.txt")],
)
def test_file_names_lose_paths_drive_letters_and_control_characters(raw, clean):
    assert safe_name(raw) == clean


@settings(max_examples=200)
@given(st.binary(min_size=1, max_size=512), st.sampled_from(["pdf", "png", "jpg", "gif", "txt", "doc", "docx"]))
def test_random_bytes_are_accepted_only_when_they_are_what_the_name_says(data, ext):
    kind = detect_kind(data)
    try:
        accepted = check_file(f"file.{ext}", data, [])
    except ValidationError:
        accepted = None
    expected = {"jpg": "jpeg"}.get(ext, ext)
    if accepted is not None:
        assert accepted.kind == expected
        assert kind == expected or (kind == "ole" and expected in ("doc", "xls"))


@settings(max_examples=100)
@given(st.text(min_size=1, max_size=200))
def test_any_name_becomes_a_safe_name(raw):
    name = safe_name(raw)
    assert name and "/" not in name and "\\" not in name and len(name) <= 120
    assert all(c.isprintable() for c in name)


def test_a_long_file_name_keeps_its_extension_and_is_accepted():
    # Browsers hand over whatever the patient's file is called; a long but honest PDF name must not read as
    # "only PDF ... can be attached" because the ".pdf" was cut off.
    long_name = "Discharge summary " + "x" * (200 - len("Discharge summary ")) + ".pdf"
    accepted = check_file(long_name, PDF, [])
    assert accepted.kind == "pdf"
    assert len(accepted.name) <= 120 and accepted.name.endswith(".pdf")
    assert accepted.name.startswith("Discharge summary xxx")
