"""The shipped common-password list (SECURITY.md: at least the 3,000 most common) and the rule that uses it."""

from __future__ import annotations

import pytest

from sm_app.identity.passwords import COMMON_PASSWORDS_FILE, check_rules, common_passwords
from sm_app.shared.errors import ValidationError


def test_the_list_is_shipped_with_its_source_and_is_long_enough():
    header = [line for line in COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines() if line.startswith("#")]
    assert any("zxcvbn" in line for line in header) and any("MIT" in line for line in header)
    assert len(common_passwords()) >= 3000
    assert {"password", "123456", "qwerty"} <= common_passwords()


@pytest.mark.parametrize("password", ["123qweasdzxc", "1QAZ2WSX3EDC", "  qwerty123456  ", "ｑｗｅｒｔｙ１２３４５６"])
def test_a_common_password_is_refused_whatever_its_case_spaces_or_width(password):
    with pytest.raises(ValidationError) as refused:
        check_rules(password, "patient")
    assert "common passwords" in str(refused.value)


def test_no_composition_rules_a_long_plain_phrase_is_fine():
    check_rules("correct horse battery staple", "nurse")
    check_rules("aaaaaaaaaaaa", "patient")  # length is the rule; no "must contain a digit"
