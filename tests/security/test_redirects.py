"""The sign-in page only sends people back to pages of this site."""

from __future__ import annotations

import pytest

from sm_app.pages.auth import safe_redirect


@pytest.mark.parametrize("target", ["/inbox", "/thread/abc123", "/sent?x=1"])
def test_local_paths_are_kept(target):
    assert safe_redirect(target) == target


@pytest.mark.parametrize(
    "target", ["//evil.example/x", "https://evil.example", "/\\evil.example", "evil.example", "", None,
               "/redirect?to=https://evil.example", "javascript:alert(1)"],
)
def test_anything_else_goes_home(target):
    assert safe_redirect(target) == "/"
