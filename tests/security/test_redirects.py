"""The sign-in page only sends people back to pages of this site."""

from __future__ import annotations

import pytest

from sm_app.pages.identity.auth import safe_redirect


@pytest.mark.parametrize("target", ["/inbox", "/thread/abc123", "/sent?x=1", "/search?q=a%20b", "/folder/x#top"])
def test_local_paths_are_kept(target):
    assert safe_redirect(target) == target


# Known open-redirect bypasses: browsers strip tabs and line breaks, read '\' as '/', and treat '//' as a host.
BYPASSES = [
    "//evil.example/x", "https://evil.example", "/\\evil.example", "evil.example", "", None,
    "//redirect?to=https://evil.example", "javascript:alert(1)",
    "/\t/evil.example/", "/\n/evil.example/", "/\r/evil.example/", "/\r\n/evil.example/", "\t//evil.example/",
    "/ /evil.example/", "/\x00/evil.example", "/\x0b/evil.example", "/\x0c/evil.example", "/\u2028/evil.example",
    "/\u00a0/evil.example", "/\\/evil.example", "\\\\evil.example", "/\\\\evil.example", "///evil.example",
    "http:/evil.example", "https:evil.example", " /inbox", "/inbox ",
]


@pytest.mark.parametrize("target", BYPASSES)
def test_anything_else_goes_home(target):
    assert safe_redirect(target) == "/"


def test_a_query_that_names_another_site_stays_on_this_site():
    assert safe_redirect("/redirect?to=https://evil.example") == "/redirect?to=https://evil.example"
