"""Which browser origins count as the app's own, from SM_BASE_URL (the e2e tests check the server refuses others)."""

from __future__ import annotations

import pytest

from sm_app.web_security import own_origins


@pytest.mark.parametrize(("base_url", "expected"), [
    ("https://clinic.example", {"https://clinic.example"}),
    # Browsers leave a scheme's default port out of the Origin header; anything else must match exactly.
    ("https://Clinic.Example:443/portal/", {"https://clinic.example"}),
    ("http://clinic.example:8080", {"http://clinic.example:8080"}),
    # People open http://127.0.0.1:8080 when the base URL says localhost, and the other way round.
    ("http://localhost:8080", {"http://localhost:8080", "http://127.0.0.1:8080", "http://[::1]:8080"}),
    ("https://[::1]:8443", {"https://localhost:8443", "https://127.0.0.1:8443", "https://[::1]:8443"}),
])
def test_own_origins(base_url, expected):
    assert own_origins(base_url) == expected

