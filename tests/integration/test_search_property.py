"""Property: every word of a sent message is found by searching it; a word in no message finds nothing.

One SQLite system per test (hypothesis examples share it and its event loop) with a fake clock.
"""

from __future__ import annotations

import asyncio
import re

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sm_app.adapters.clock import FakeClock
from sm_app.adapters.crypto import KeyRing
from sm_app.bootstrap import build_system
from sm_app.messaging.search import PREFIX_MIN, token, tokens_for
from tests.conftest import make_settings, seed_clinic

# Message text: letters (some accented or folding to two letters), digits and spaces, but never q, x or z,
# so a word containing one of those is certainly in no message, subject or team name.
MESSAGE_LETTERS = "abcdefghijklmnoprstuvwyABCDEGHKLMNOPRSTéÉüßñ0123456789"
message_text = st.text(alphabet=st.sampled_from(MESSAGE_LETTERS + "    "), min_size=1, max_size=160).filter(
    lambda t: t.strip())
absent_word = st.text(alphabet=st.sampled_from("qxzabc"), min_size=1, max_size=12).filter(
    lambda w: any(c in w for c in "qxz"))
RING = KeyRing.generate()
EXAMPLES = settings(max_examples=30, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def raw_words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text)


@EXAMPLES
@given(text=message_text, other=absent_word)
def test_tokens_cover_every_word_and_prefix_and_nothing_else(text, other):
    tokens = tokens_for(text, RING.search_key)
    for w in raw_words(text):
        assert tokens_for(w, RING.search_key) <= tokens
    assert token(RING.search_key, other) not in tokens
    assert all(re.fullmatch(r"[0-9a-f]{32}", t) for t in tokens)


@EXAMPLES
@given(text=message_text)
def test_tokens_are_keyed(text):
    assume(raw_words(text))
    assert tokens_for(text, RING.search_key).isdisjoint(tokens_for(text, KeyRing.generate().search_key))


def test_sent_words_are_found_and_absent_words_are_not(tmp_path, sqlite_url):
    loop = asyncio.new_event_loop()
    system = build_system(make_settings(tmp_path, sqlite_url), clock=FakeClock())
    try:
        clinic = loop.run_until_complete(seed_clinic(system))

        async def check(text: str, other: str) -> None:
            # Random text can read as an emergency ("want to die"): acknowledged, as the patient would in the dialog.
            sent = await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                                       subject="Note", body=text, urgent_acknowledged=True)
            system.clock.advance(seconds=1)
            for w in list(dict.fromkeys(raw_words(text)))[:8]:
                for query in {w, w[:PREFIX_MIN]} if len(w) >= PREFIX_MIN else {w}:
                    for actor in (clinic.pat, clinic.blue_nurse):
                        result = await system.search.search(actor, keyword=query, page_size=50)
                        assert sent.thread_id in {t.id for t in result.items}, (text, query)
            # Nobody outside the team finds it, whatever the word.
            for w in raw_words(text)[:2]:
                assert (await system.search.search(clinic.green_nurse, keyword=w)).total == 0
            assert (await system.search.search(clinic.pat, keyword=other)).total == 0

        @EXAMPLES
        @given(text=message_text, other=absent_word)
        def run(text, other):
            loop.run_until_complete(check(text, other))

        run()
    finally:
        loop.run_until_complete(system.close())
        loop.close()
