"""Contact list and the urgent flag, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from sm_app.messaging.contacts import ALL_BLOCKED, NO_TEAMS
from sm_app.messaging.threads import UrgentCheck
from sm_app.shared.errors import NotAllowed, NotFound, ValidationError


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
    from sm_app.identity.accounts import Actor

    lone = Actor(loner.id, loner.role, loner.name, loner.email)
    offered = await c.compose_teams(lone)
    assert offered.teams == [] and offered.alert == NO_TEAMS
    await acc.set_blocked(team="Blue Team", email=clinic.pat.email, blocked=True)
    offered = await c.compose_teams(clinic.pat)
    assert offered.teams == [] and offered.alert == ALL_BLOCKED


async def test_urgent_text_needs_acknowledgement_then_flags_the_thread_for_staff_only(clinic):
    m = clinic.system.messaging
    box = clinic.system.mailbox
    kwargs = dict(team_id=clinic.blue_id, category="Medication", subject="Inhaler renewal",
                  body="Please renew my inhaler. Also I have been coughing up blood since Sunday.")
    with pytest.raises(UrgentCheck) as check:
        await m.start_thread(clinic.pat, **kwargs)
    assert "coughing up blood" in check.value.decision.explanation()
    assert (await box.list_threads(clinic.pat, "sent")).total == 0  # nothing sent until the patient chooses
    routine = await m.start_thread(clinic.pat, team_id=clinic.blue_id, category="General", subject="Routine",
                                   body="Just a question about parking.")
    urgent = await m.start_thread(clinic.pat, urgent_acknowledged=True, **kwargs)
    worklist = (await box.list_threads(clinic.blue_nurse, "worklist")).items
    assert [(t.id, t.urgent) for t in worklist] == [(urgent.thread_id, True), (routine.thread_id, False)]
    staff_view = await box.open_thread(clinic.blue_nurse, urgent.thread_id)
    assert staff_view.urgent and "coughing up blood" in staff_view.urgent_evidence
    patient_view = await box.open_thread(clinic.pat, urgent.thread_id)
    assert patient_view.urgent_evidence == ""
    assert not any(t.urgent for t in (await box.list_threads(clinic.pat, "sent")).items)


async def test_an_urgent_reply_flags_an_existing_thread(clinic):
    m = clinic.system.messaging
    box = clinic.system.mailbox
    sent = await m.start_thread(clinic.pat, team_id=clinic.blue_id, category="General", subject="Cold",
                                body="I have a cold.")
    with pytest.raises(UrgentCheck):
        await m.reply(clinic.pat, sent.thread_id, "Now I can't breathe")
    await m.reply(clinic.pat, sent.thread_id, "Now I can't breathe", urgent_acknowledged=True)
    assert (await box.open_thread(clinic.blue_nurse, sent.thread_id)).urgent


async def test_urgent_evidence_names_the_kind_and_quotes_the_patient(clinic):
    m = clinic.system.messaging
    box = clinic.system.mailbox
    body = "Refill my metformin please. Also my husband says his chest feels crushed and he's drenched in sweat."
    sent = await m.start_thread(clinic.pat, team_id=clinic.blue_id, category="Medication", subject="Refill",
                                body=body, urgent_acknowledged=True)
    evidence = (await box.open_thread(clinic.blue_nurse, sent.thread_id)).urgent_evidence
    assert evidence.startswith("possible heart attack: ")
    assert '"chest feels crushed"' in evidence and "sweat" in evidence


async def test_routine_near_misses_are_sent_without_a_question(clinic):
    m = clinic.system.messaging
    box = clinic.system.mailbox
    for body in ("No chest pain since the new dose, thanks!", "Can you send my chest x-ray results?",
                 "This cough is killing me, can I get more of the syrup?"):
        sent = await m.start_thread(clinic.pat, team_id=clinic.blue_id, category="General", subject="Update",
                                    body=body)
        assert not (await box.open_thread(clinic.blue_nurse, sent.thread_id)).urgent


async def test_the_admin_rewords_the_emergency_notice_within_limits(clinic):
    settings = clinic.system.clinic_settings
    assert "911" in await settings.emergency_notice() and "988" in await settings.emergency_notice()
    with pytest.raises(NotAllowed):
        await settings.set_emergency_notice(clinic.blue_nurse, "Call 911 or 988.")
    with pytest.raises(ValidationError) as missing:
        await settings.set_emergency_notice(clinic.admin, "Please do not use messaging for emergencies.")
    assert missing.value.message == "The notice must still tell patients to call 911 and 988."
    with pytest.raises(ValidationError):
        await settings.set_emergency_notice(clinic.admin, "Call 911 or 988. " + "x" * 600)
    wording = "Riverside is not an emergency service.   Call 911, or 988 then 1 for a crisis."
    assert await settings.set_emergency_notice(clinic.admin, wording) == (
        "Riverside is not an emergency service. Call 911, or 988 then 1 for a crisis.")
    assert (await settings.emergency_notice()).startswith("Riverside is not")
    await settings.set_emergency_notice(clinic.admin, "   ")  # empty: back to the standard wording
    assert (await settings.emergency_notice()).startswith("Secure messaging is not for emergencies.")
