"""Contact list and the urgent flag, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from sm_app.services.contacts import ALL_BLOCKED, NO_TEAMS
from sm_app.services.errors import NotFound, ValidationError
from sm_app.services.messaging import UrgentCheck


async def test_contact_list_hides_teams_but_keeps_one(clinic):
    c = clinic.system.contacts
    await clinic.system.accounts.assign_patient(team="Green Team", email=clinic.pat.email)
    assert [t.name for t in (await c.compose_teams(clinic.pat)).teams] == ["Blue Team", "Green Team"]
    await c.set_hidden(clinic.pat, clinic.green_id, True)
    assert [t.name for t in (await c.compose_teams(clinic.pat)).teams] == ["Blue Team"]
    with pytest.raises(ValidationError) as err:
        await c.set_hidden(clinic.pat, clinic.blue_id, True)
    assert "at least one" in err.value.message
    await c.set_hidden(clinic.pat, clinic.green_id, False)
    await c.set_hidden(clinic.pat, clinic.blue_id, True)
    assert [t.name for t in (await c.compose_teams(clinic.pat)).teams] == ["Green Team"]
    with pytest.raises(NotFound):
        await c.set_hidden(clinic.gil, clinic.blue_id, True)


async def test_alerts_when_no_team_or_all_blocked(clinic):
    acc, c = clinic.system.accounts, clinic.system.contacts
    loner = await acc.create_user(email="loner@example.org", role="patient", name="Lone", password="patient-password")
    from sm_app.services.accounts import Actor

    lone = Actor(loner.id, loner.role, loner.name, loner.email)
    offered = await c.compose_teams(lone)
    assert offered.teams == [] and offered.alert == NO_TEAMS
    await acc.set_blocked(team="Blue Team", email=clinic.pat.email, blocked=True)
    offered = await c.compose_teams(clinic.pat)
    assert offered.teams == [] and offered.alert == ALL_BLOCKED


async def test_urgent_text_needs_acknowledgement_then_flags_the_thread_for_staff_only(clinic):
    m = clinic.system.messaging
    kwargs = dict(team_id=clinic.blue_id, category="Medication", subject="Inhaler renewal",
                  body="Please renew my inhaler. Also I have been coughing up blood since Sunday.")
    with pytest.raises(UrgentCheck) as check:
        await m.start_thread(clinic.pat, **kwargs)
    assert "coughing up blood" in check.value.decision.explanation()
    assert (await m.list_threads(clinic.pat, "sent")).total == 0  # nothing sent until the patient chooses
    routine = await m.start_thread(clinic.pat, team_id=clinic.blue_id, category="General", subject="Routine",
                                   body="Just a question about parking.")
    urgent = await m.start_thread(clinic.pat, urgent_acknowledged=True, **kwargs)
    worklist = (await m.list_threads(clinic.blue_nurse, "worklist")).items
    assert [(t.id, t.urgent) for t in worklist] == [(urgent.thread_id, True), (routine.thread_id, False)]
    staff_view = await m.open_thread(clinic.blue_nurse, urgent.thread_id)
    assert staff_view.urgent and "coughing up blood" in staff_view.urgent_evidence
    patient_view = await m.open_thread(clinic.pat, urgent.thread_id)
    assert patient_view.urgent_evidence == ""
    assert not any(t.urgent for t in (await m.list_threads(clinic.pat, "sent")).items)


async def test_an_urgent_reply_flags_an_existing_thread(clinic):
    m = clinic.system.messaging
    sent = await m.start_thread(clinic.pat, team_id=clinic.blue_id, category="General", subject="Cold",
                                body="I have a cold.")
    with pytest.raises(UrgentCheck):
        await m.reply(clinic.pat, sent.thread_id, "Now I can't breathe")
    await m.reply(clinic.pat, sent.thread_id, "Now I can't breathe", urgent_acknowledged=True)
    assert (await m.open_thread(clinic.blue_nurse, sent.thread_id)).urgent
