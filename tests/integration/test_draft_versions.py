"""Draft versions and drafts kept at sign-out, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from sm_app.messaging.drafts import DraftChanged
from sm_app.shared.errors import NotFound


async def test_a_save_from_a_stale_version_is_refused_and_changes_nothing(clinic):
    d = clinic.system.drafts
    first = await d.save(clinic.pat, None, team_id=clinic.blue_id, category=None, subject="Dose", body="One")
    assert first.version == 1
    tab_a = await d.save(clinic.pat, first.id, team_id=clinic.blue_id, category=None, subject="Dose", body="Two",
                         version=first.version)
    assert tab_a.version == 2
    with pytest.raises(DraftChanged):  # tab B still holds version 1
        await d.save(clinic.pat, first.id, team_id=clinic.blue_id, category=None, subject="Dose", body="Three",
                     version=first.version)
    assert (await d.get(clinic.pat, first.id)).body == "Two"
    assert (await d.get(clinic.pat, first.id)).version == 2
    await d.delete(clinic.pat, first.id)
    with pytest.raises(NotFound):  # sent or deleted in another tab
        await d.save(clinic.pat, first.id, team_id=None, category=None, subject="", body="Four", version=2)


async def test_drafts_kept_at_sign_out_are_counted_until_dismissed_or_saved_again(clinic):
    d = clinic.system.drafts
    kept = await d.save(clinic.pat, None, team_id=None, category=None, subject="", body="Left open",
                        at_sign_out=True)
    await d.save(clinic.pat, None, team_id=None, category=None, subject="", body="Saved normally")
    assert await d.kept_at_sign_out(clinic.pat) == 1
    assert await d.kept_at_sign_out(clinic.gil) == 0
    await d.dismiss_kept_notice(clinic.gil)  # someone else's dismissal changes nothing of Pat's
    assert await d.kept_at_sign_out(clinic.pat) == 1
    await d.save(clinic.pat, kept.id, team_id=None, category=None, subject="", body="Left open, now edited",
                 version=kept.version)
    assert await d.kept_at_sign_out(clinic.pat) == 0
    await d.save(clinic.pat, None, team_id=None, category=None, subject="", body="Again", at_sign_out=True)
    await d.dismiss_kept_notice(clinic.pat)
    assert await d.kept_at_sign_out(clinic.pat) == 0
