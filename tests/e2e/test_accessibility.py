"""Readable by everyone: axe-core (WCAG 2.1 A and AA rules) finds nothing on any page state, in real Chromium.

axe-core is vendored (tests/e2e/axe/axe.min.js, MPL-2.0, see tests/e2e/axe/README.md), so the check runs offline
and always with the same rules. Each test signs in as one person and walks through that person's pages, in the
states people meet (a list with rows, a form showing its errors, a dialog open); every violation of every state is
collected and the test fails once, naming each with its rule id and the elements it concerns.
"""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from sm_app.adapters.models import OutboxEmail
from sm_app.health_record.fhir import IMPORT_MAX_BYTES

from .browser_steps import (
    By,
    Keys,
    choose,
    click_button,
    dialog_texts,
    field,
    field_error,
    focused_name,
    link,
    press,
    retype,
    sign_in,
    tab_to,
    thread_links,
    type_into,
    visible,
    visible_texts,
    wait,
    wait_connected,
    wait_for_heading,
    wait_for_path,
    xpath_literal,
)
from .clinic_db import LEAD, NURSE, PATIENT, actor_for, clinic_system

pytestmark = pytest.mark.e2e

AXE_SOURCE = (Path(__file__).with_name("axe") / "axe.min.js").read_text(encoding="utf-8")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ADMIN = ("admin@demo.clinic", "demo-admin-password-1")  # Ada Admin (data/demo_clinic.json)
PRIVACY_OFFICER = ("privacy@demo.clinic", "demo-staff-password-1")  # Pia Privacy
TEAM = "Primary Care Blue"

# Quasar fades dialogs, menus and notifications in: a state is checked once nothing is moving any more (a colour
# half-way through a fade would be measured, not the colour people read). Spinners run forever and do not count.
_SETTLED_JS = """
return document.getAnimations().every(a => a.playState !== 'running'
  || a.effect === null || a.effect.getTiming().iterations === Infinity);
"""

_AXE_RUN_JS = """
const [tags, done] = [arguments[0], arguments[arguments.length - 1]];
axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
  .then(result => done(result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary})),
  }))))
  .catch(error => done({error: String(error)}));
"""


def axe_violations(driver) -> list[dict]:
    """Run axe-core on the page as it is now; its WCAG 2.1 A/AA violations (empty when there are none)."""
    wait(driver).until(lambda d: d.execute_script(_SETTLED_JS), f"{driver.e2e_name}: the page never stopped moving")
    if not driver.execute_script("return typeof window.axe === 'object'"):
        driver.execute_script(AXE_SOURCE)
    driver.set_script_timeout(60)
    result = driver.execute_async_script(_AXE_RUN_JS, WCAG_TAGS)
    assert not isinstance(result, dict), f"{driver.e2e_name}: axe-core failed: {result}"
    return result


class Findings:
    """What axe found, page state by page state; the test fails once at the end with all of it."""

    def __init__(self) -> None:
        self.by_state: dict[str, list[dict]] = {}
        self.checked: list[str] = []

    def check(self, driver, state: str) -> None:
        self.checked.append(state)
        violations = axe_violations(driver)
        if violations:
            self.by_state[state] = violations

    def report(self) -> str:
        lines = []
        for state, violations in self.by_state.items():
            lines.append(f"{state}:")
            for v in violations:
                lines.append(f"  {v['id']} ({v['impact']}): {v['help']}")
                for node in v["nodes"][:8]:
                    summary = " ".join(node["summary"].split())[:300]
                    lines.append(f"    {node['target']} -- {summary}")
                if len(v["nodes"]) > 8:
                    lines.append(f"    ... and {len(v['nodes']) - 8} more")
        return "\n".join(lines)

    def assert_none(self) -> None:
        assert not self.by_state, (f"axe-core found WCAG 2.1 A/AA violations in {len(self.by_state)} of "
                                   f"{len(self.checked)} page states:\n{self.report()}")


@dataclass(frozen=True)
class Clinic:
    """What the demo clinic holds besides its people, so that lists have rows and badges have numbers."""

    base_url: str
    answered: str  # the nurse answered, the patient has not read it yet (Unread in the patient's Inbox)
    answered_subject: str
    urgent: str  # sent anyway after the urgent-words question (Urgent on the worklist, an alert for the lead)
    folder_id: str
    seen: str  # the nurse answered and the patient read it ("Read by …" under the nurse's reply)
    seen_subject: str
    article_slug: str  # a published library article the nurse sent in `answered` (the patient has not opened it)
    article_id: str
    article_title: str


async def _fill_clinic(data_dir: Path) -> tuple:
    async with clinic_system(data_dir) as system:
        patient = await actor_for(system, PATIENT[0])
        nurse = await actor_for(system, NURSE[0])
        lead = await actor_for(system, LEAD[0])
        team = next(t for t in await system.messaging.teams_for_compose(patient) if t.name == TEAM)

        async def start(category: str, subject: str, body: str, **kw) -> str:
            sent = await system.messaging.start_thread(patient, team_id=team.id, category=category, subject=subject,
                                                       body=body, **kw)
            return sent.thread_id

        subject = f"Inhaler renewal {uuid.uuid4().hex[:6]}"
        answered = await start("Medication", subject, "My inhaler runs out on Friday. Could you renew it?")
        article = (await system.library.search(nurse, language="en"))[0]
        await system.messaging.reply(nurse, answered, "Renewed for 90 days; ready at the pharmacy tomorrow.",
                                     articles=(article.id,))
        seen_subject = f"Knee after the fall {uuid.uuid4().hex[:6]}"
        seen = await start("General", seen_subject, "It is still swollen.")
        await system.messaging.reply(nurse, seen, "Keep it raised and iced; call if it gets worse.")
        await system.mailbox.open_thread(patient, seen)
        urgent = await start("General", "Since tonight", "I have crushing chest pain, left arm numb.",
                             urgent_acknowledged=True)
        trip = await start("Administrative", "Travel letter", "Could I get a letter for my trip?")
        folder = await system.folders.create_folder(patient, "Travel")
        await system.folders.move_thread(patient, trip, folder.id)
        old = await start("Appointment", "Old question", "Never mind, sorted.")
        await system.folders.move_thread(patient, old, "trash")
        await system.drafts.save(patient, None, team_id=team.id, category="General", subject="Unfinished",
                                 body="Half a thought")
        from sm_app.care_team.broadcast import Cohort  # noqa: PLC0415 - only this set-up needs it

        await system.broadcasts.send(lead, team_id=team.id, cohort=Cohort(), category="Education",
                                     subject="Flu shots are here", body="Walk in any weekday morning.",
                                     replies_allowed=False)
        return answered, subject, urgent, folder.id, seen, seen_subject, article.slug, article.id, article.title


@pytest.fixture(scope="module")
def clinic(shared_server) -> Clinic:
    return Clinic(shared_server.base_url, *asyncio.run(_fill_clinic(shared_server.data_dir)))


def _open(driver, base_url: str, path: str, heading: str) -> None:
    driver.get(f"{base_url}{path}")
    wait_for_heading(driver, heading)
    wait_connected(driver)


def _dialog_open(driver) -> None:
    wait(driver).until(lambda d: visible(d, By.CSS_SELECTOR, ".q-dialog .q-card"), f"{driver.e2e_name}: no dialog")


# The file chooser itself is the browser's, outside the page: what the page can show is that the button clicks the
# uploader's file input (the click is cancelled here, so no chooser opens in the headless browser).
_WATCH_FILE_INPUT_JS = """
window.__e2eChooser = 0;
for (const input of document.querySelectorAll('.attachment-picker input[type=file]')) {
  input.addEventListener('click', e => { window.__e2eChooser += 1; e.preventDefault(); });
}
"""


def _attach_button_opens_the_file_chooser(driver) -> None:
    """Attach files is one named button, reached with Tab and pressed with Enter, and it opens the file chooser."""
    driver.execute_script(_WATCH_FILE_INPUT_JS)
    tab_to(driver, "Attach files (4 of 4 remaining)", limit=60)
    press(driver, Keys.ENTER)
    wait(driver).until(lambda d: d.execute_script("return window.__e2eChooser") == 1,
                       f"{driver.e2e_name}: Enter on 'Attach files' did not open the file chooser")


_MESSAGES_IN_LIVE_REGION_JS = """
const messages = [...document.querySelectorAll('.messages .message')];
const regions = new Set(messages.map(m => m.closest('[aria-live=polite], [role=log]')));
return regions.size === 1 && !regions.has(null) ? messages.length : -1;
"""


_TREND_JS = """
const chart = document.querySelector('.readings-chart'), table = document.querySelector('.readings-table');
if (!chart || !table) return null;
return {chart_bottom: chart.getBoundingClientRect().bottom, table_top: table.getBoundingClientRect().top};
"""


def test_sign_in_and_patient_pages(clinic, browser, tmp_path):
    found = Findings()
    patient = browser("patient")
    base = clinic.base_url
    patient.get(f"{base}/login")
    wait_connected(patient)
    found.check(patient, "sign-in")
    sign_in(patient, base, *PATIENT, home="/inbox")
    found.check(patient, "patient inbox")
    patient.get(f"{base}/terms")
    wait(patient).until(lambda d: visible(d, By.XPATH, "//button[.//span[normalize-space()="
                                                       "'I accept the messaging terms']]"), "no terms page")
    found.check(patient, "terms")
    for path, heading in (("/sent", "Sent"), ("/drafts", "Drafts"), ("/trash", "Trash"), ("/folders", "Folders"),
                          (f"/folder/{clinic.folder_id}", "Travel"), ("/settings", "Settings")):
        _open(patient, base, path, heading)
        found.check(patient, f"patient {path}")

    _open(patient, base, "/search", "Search")
    type_into(patient, "Keyword", "inhaler")
    click_button(patient, "Search")
    wait(patient).until(lambda d: visible_texts(d, By.CSS_SELECTOR, ".thread-list .thread-row"), "no search results")
    found.check(patient, "patient search with results")

    _open(patient, base, "/compose", "New message")
    found.check(patient, "patient compose")
    _attach_button_opens_the_file_chooser(patient)
    click_button(patient, "Send")
    wait(patient).until(lambda d: field_error(d, "Subject"), "no field error after an empty Send")
    found.check(patient, "patient compose with field errors")

    # Sent: the new page's focus starts on its "Message sent", so a screen reader reads that first.
    choose(patient, "Category", "General")
    type_into(patient, "Subject", "Parking")
    type_into(patient, "Message", "Is there parking for patients?")
    click_button(patient, "Send")
    wait_for_path(patient, r"/thread/[^/]+")
    wait_for_heading(patient, "Parking")
    wait(patient).until(lambda d: d.switch_to.active_element.text == "Message sent",
                        "the focus did not go to 'Message sent' after sending")
    found.check(patient, "patient conversation just sent")

    _open(patient, base, f"/thread/{clinic.answered}", clinic.answered_subject)
    found.check(patient, "patient conversation")
    # New messages are appended inside a polite live region, so they are read out when they arrive.
    assert patient.execute_script(_MESSAGES_IN_LIVE_REGION_JS) == 2, "the messages are not in one polite live region"
    click_button(patient, "Reply")
    type_into(patient, "Message", "Now I have crushing chest pain and my left arm is numb.")
    click_button(patient, "Send")
    wait(patient).until(lambda d: dialog_texts(d), "no 'Is this an emergency?' dialog")
    found.check(patient, "patient conversation, urgent-words dialog open")
    click_button(patient, "Go back and edit")

    _open(patient, base, f"/thread/{clinic.answered}/print", clinic.answered_subject)
    found.check(patient, "patient print view")

    # The health record the demo patient keeps (data/demo_clinic.json), its sharing and who looked.
    for path, heading in (("/health-record", "Health record"), ("/health-record/sharing", "Sharing your health record"),
                          ("/health-record/who-looked", "Who looked at your health record")):
        _open(patient, base, path, heading)
        found.check(patient, f"patient {path}")
    _open(patient, base, "/health-record", "Health record")
    click_button(patient, "Add condition")
    _dialog_open(patient)
    found.check(patient, "patient health record, add dialog open")
    click_button(patient, "Cancel")
    click_button(patient, "History")
    _dialog_open(patient)
    found.check(patient, "patient health record, an entry's history open")
    click_button(patient, "Close")
    # Readings over time: the chart with the values as a table beside it (the demo patient's glucose readings), and
    # on a phone the chart above the table.
    visible(patient, By.XPATH, "//*[@role='tab'][normalize-space()='Readings']")[0].click()
    wait(patient).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".readings-chart canvas")
                        and visible_texts(d, By.CSS_SELECTOR, ".readings-table td"), "no readings chart and table")
    found.check(patient, "patient health record, readings chart and table")
    try:
        _narrow(patient, 390)
        boxes = wait(patient).until(lambda d: d.execute_script(_TREND_JS))
        assert boxes["table_top"] >= boxes["chart_bottom"], f"on a phone the chart is not above the table: {boxes}"
        found.check(patient, "patient health record, readings at 390 px")
    finally:
        _wide(patient)
    # Import: the page, a file that is not JSON (the error), then a Bundle's review before anything is saved.
    _open(patient, base, "/health-record/import", "Import a health record file")
    found.check(patient, "patient import page")
    bad = tmp_path / "record.json"
    bad.write_text("{not json")
    patient.find_element(By.CSS_SELECTOR, ".record-import input[type=file]").send_keys(str(bad))
    wait(patient).until(lambda d: visible_texts(d, By.CSS_SELECTOR, ".import-error")[0].startswith("This file is not"),
                        "no error for a file that is not JSON")
    found.check(patient, "patient import page, a bad file")
    big = tmp_path / "large.json"
    big.write_bytes(b" " * (IMPORT_MAX_BYTES + 1))  # turned down in the browser, before it is sent
    patient.find_element(By.CSS_SELECTOR, ".record-import input[type=file]").send_keys(str(big))
    wait(patient).until(lambda d: visible_texts(d, By.CSS_SELECTOR, ".import-error")[0].startswith(
        "The file is too large"), "no error for a file over the import limit")
    found.check(patient, "patient import page, a file too large")
    good = tmp_path / "bundle.json"
    good.write_text(json.dumps({"resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": {"resourceType": "Condition", "subject": {"reference": "Patient/p"}, "code": {"text": "Asthma"}}},
        {"resource": {"resourceType": "Encounter", "status": "finished", "class": {"code": "AMB"}}}]}))
    patient.find_element(By.CSS_SELECTOR, ".record-import input[type=file]").send_keys(str(good))
    wait(patient).until(lambda d: "Review what will be added" in visible_texts(d, By.CSS_SELECTOR,
                                                                               ".import-review [role=heading]"),
                        "no review of the import")
    found.check(patient, "patient import review")

    # The library: "Sent to you by your care team" with the nurse's article, search results, an article.
    _open(patient, base, "/library", "Health library")
    wait(patient).until(lambda d: visible_texts(d, By.CSS_SELECTOR, ".library-results .library-result"),
                        "no library results")
    found.check(patient, "patient library with what the team sent")
    _open(patient, base, f"/library/article/{clinic.article_slug}", clinic.article_title)
    found.check(patient, "patient library article")
    found.assert_none()


def test_staff_pages(clinic, browser):
    found = Findings()
    nurse = browser("nurse")
    base = clinic.base_url
    sign_in(nurse, base, *NURSE, home="/worklist")
    found.check(nurse, "nurse worklist")
    # A conversation opened inside the Worklist (a plain click on its row), then the list again.
    thread_links(nurse, "Since tonight")[0].click()
    wait_for_heading(nurse, "Since tonight")
    wait_for_path(nurse, re.escape(f"/thread/{clinic.urgent}"))
    found.check(nurse, "nurse conversation opened inside the worklist")
    click_button(nurse, "Back to Worklist")
    wait_for_heading(nurse, "Worklist")
    found.check(nurse, "nurse worklist after a conversation opened in it")
    _open(nurse, base, f"/thread/{clinic.urgent}", "Since tonight")
    found.check(nurse, "nurse conversation with the care-team panel")
    for path, heading in (("/alerts", "Alerts"), ("/dashboard", "Workload"), ("/sent", "Sent"),
                          ("/settings", "Settings")):
        _open(nurse, base, path, heading)
        found.check(nurse, f"nurse {path}")
    _open(nurse, base, f"/thread/{clinic.urgent}/print", "Since tonight")
    found.check(nurse, "nurse print view")
    # The library for staff (reading levels, reviews past due), its editor screens, and Attach article in a reply.
    for path, heading in (("/library", "Health library"), ("/library/editor", "Library editor"),
                          ("/library/editor/new", "New article"),
                          (f"/library/editor/{clinic.article_id}", clinic.article_title)):
        _open(nurse, base, path, heading)
        found.check(nurse, f"nurse {path}")
    _open(nurse, base, f"/thread/{clinic.answered}", clinic.answered_subject)
    wait(nurse).until(lambda d: visible_texts(d, By.CSS_SELECTOR, ".library-card"), "no article card")
    found.check(nurse, "nurse conversation with an article sent")
    click_button(nurse, "Reply")
    click_button(nurse, "Attach article")
    _dialog_open(nurse)
    wait(nurse).until(lambda d: visible_texts(d, By.CSS_SELECTOR, ".attach-results .q-btn"), "no articles to attach")
    # Two shipped articles are past their review date on purpose (data/library/README.md): the picker flags them.
    wait(nurse).until(lambda d: visible_texts(d, By.CSS_SELECTOR, ".attach-results .review-overdue"),
                      "no review past due in the picker")
    found.check(nurse, "nurse reply, Attach article open")
    # The patient read the nurse's answer ("Read by …"), and she shares her health record with the team: the nurse
    # opens it under the conversation.
    _open(nurse, base, f"/thread/{clinic.seen}", clinic.seen_subject)
    wait(nurse).until(lambda d: any(r.startswith("Read by ")
                                    for r in visible_texts(d, By.CSS_SELECTOR, ".read-receipt")),
                      "no read receipt under the nurse's answer")
    click_button(nurse, "Health record")
    wait(nurse).until(lambda d: "Type 2 diabetes" in " ".join(visible_texts(d, By.CSS_SELECTOR, "main, body")),
                      "the shared health record never showed")
    found.check(nurse, "nurse conversation with the patient's health record open")
    nurse.find_element(By.CSS_SELECTOR, ".record-page-link").click()
    wait_for_heading(nurse, "Health record")
    wait(nurse).until(lambda d: "Type 2 diabetes" in " ".join(visible_texts(d, By.CSS_SELECTOR, "main, body")),
                      "the whole-page record never showed")
    found.check(nurse, "nurse the patient's health record on its own page")

    # The team lead: alerts with an urgent alert in them, team messages with a broadcast about to go.
    nurse.get("about:blank")
    nurse.delete_all_cookies()
    lead = browser("nurse")
    sign_in(lead, base, *LEAD, home="/worklist")
    _open(lead, base, "/alerts", "Alerts")
    found.check(lead, "lead alerts")
    _open(lead, base, "/team-messages", "Team messages")
    found.check(lead, "lead team messages")
    click_button(lead, "Count recipients")
    wait(lead).until(lambda d: visible_texts(d, By.CSS_SELECTOR, ".cohort-count") != [""], "no count")
    click_button(lead, "Send broadcast")
    _dialog_open(lead)
    found.check(lead, "lead team messages, broadcast confirmation open")
    found.assert_none()


def test_admin_pages(clinic, browser):
    found = Findings()
    admin = browser("admin")
    base = clinic.base_url
    admin.get(f"{base}/login")
    wait_connected(admin)
    type_into(admin, "Email", ADMIN[0])
    type_into(admin, "Password", ADMIN[1])
    click_button(admin, "Sign in")
    wait_for_path(admin, "/admin")
    wait_for_heading(admin, "Admin")
    wait_connected(admin)
    found.check(admin, "admin /admin")
    for path, heading in (("/admin/outbox", "Email outbox"), ("/alerts", "Alerts"), ("/admin/users", "Users"),
                          ("/admin/teams", "Care teams"), ("/library/editor", "Library editor"),
                          ("/admin/templates", "Patient templates"),
                          ("/admin/templates/prescription_renewal", "Edit: Prescription renewal"),
                          ("/admin/quick-replies", "Quick replies"), ("/admin/terms", "Messaging terms"),
                          ("/admin/email", "Email settings")):
        _open(admin, base, path, heading)
        found.check(admin, f"admin {path}")
    # Users with the deactivation question open (then cancelled: other tests sign in as these people).
    _open(admin, base, "/admin/users", "Users")
    click_button(admin, "Deactivate Casey Clerk")
    _dialog_open(admin)
    found.check(admin, "admin /admin/users, deactivation question open")
    click_button(admin, "Cancel")
    # The role-and-teams dialog, then with a role that takes no care team (its teams cleared and locked); cancelled.
    wait(admin).until(lambda d: not visible(d, By.CSS_SELECTOR, ".q-dialog .q-card"), "the question stayed open")
    click_button(admin, "Change role or teams of Casey Clerk")
    _dialog_open(admin)
    found.check(admin, "admin /admin/users, role and teams dialog open")
    role = admin.find_element(By.XPATH, "//*[contains(@class,'q-dialog')]//input[@role='combobox' and "
                                        "@aria-label='Role']")
    role.find_element(By.XPATH, "./ancestor::label[1]").click()
    option = (f"//*[@id={xpath_literal(role.get_attribute('aria-controls'))}]//*[@role='option']"
              "[normalize-space()='Admin']")
    wait(admin).until(lambda d: visible(d, By.XPATH, option), "no Admin option")[0].click()
    wait(admin).until(lambda d: not visible(d, By.XPATH, option), "the role menu stayed open")
    wait(admin).until(lambda d: visible(d, By.CSS_SELECTOR, ".q-dialog .q-field--disabled"), "teams not locked")
    found.check(admin, "admin /admin/users, role and teams dialog with a role that takes no team")
    click_button(admin, "Cancel")
    # A care team: names, staff, business hours (own hours shown), patients; then the block dialog with its error.
    _open(admin, base, "/admin/teams", "Care teams")
    link(admin, "Cardiology Green").click()
    wait_for_heading(admin, "Cardiology Green")
    wait_connected(admin)
    found.check(admin, "admin a care team")
    admin.find_element(By.XPATH, "//*[@role='radio'][normalize-space()='This team has its own hours']").click()
    wait(admin).until(lambda d: visible(d, By.XPATH, "//*[normalize-space()='Workdays']"), "no workdays")
    found.check(admin, "admin a care team, own business hours")
    click_button(admin, "Block Ruth Bell")
    _dialog_open(admin)
    click_button(admin, "Block")
    wait(admin).until(lambda d: field_error(d, "Reason the patient will see"), "no field error on the reason")
    found.check(admin, "admin a care team, block dialog with its field error")
    click_button(admin, "Cancel")

    _open(admin, base, "/admin/email", "Email settings")
    _replace_text(admin, "From address", "not an address")
    click_button(admin, "Save email settings")
    wait(admin).until(lambda d: field_error(d, "From address"), "no field error on From address")
    _replace_text(admin, "Test address", "desk@example.org")
    click_button(admin, "Send test email")  # no SMTP host in the test server: written to a file, said so
    wait(admin).until(lambda d: visible_texts(d, By.CSS_SELECTOR, ".test-result")[0].startswith("Test email sent"),
                      "no test result")
    found.check(admin, "admin /admin/email with a field error and a test result")

    _open(admin, base, "/admin/templates/new", "Add a template")
    click_button(admin, "Save template")
    wait(admin).until(lambda d: visible_texts(d, By.CSS_SELECTOR, ".fields-error") != [""], "no field errors")
    found.check(admin, "admin /admin/templates/new with its errors")

    _open(admin, base, "/admin/terms", "Messaging terms")
    click_button(admin, "Publish new version")
    _dialog_open(admin)
    found.check(admin, "admin /admin/terms, publish confirmation open")
    found.assert_none()


async def _onboarding_links(data_dir: Path) -> dict[str, str]:
    """Links as the emails carry them: an invitation (and its code), a password reset, a new address to confirm."""
    address = f"axe.{uuid.uuid4().hex[:8]}@example.org"
    async with clinic_system(data_dir) as system:
        nurse, patient = await actor_for(system, NURSE[0]), await actor_for(system, PATIENT[0])
        team = next(t for t in await system.invitations.teams_to_invite_to(nurse) if t.name == TEAM)
        await system.invitations.invite_patient(nurse, email=address, name="Axe Tester", team_id=team.id)
        await system.recovery.request_reset("jo@demo.clinic", address=f"axe-{address}")
        await system.credentials.request_address_change(patient, current_password=PATIENT[1],
                                                        new_email=f"home.{address}")
        async with system.db.read() as s:
            bodies = {e.to_address: system.notifications.body_of(e) for e in (await s.scalars(select(OutboxEmail).where(
                OutboxEmail.kind.in_(("invitation", "password_reset", "verify_address"))))).all()}

    def path(to: str, route: str) -> str:
        return re.search(rf"({route}\?t=[A-Za-z0-9_-]+)", bodies[to]).group(1)

    return {"invitation": path(address, "/invitation"),
            "code": re.search(r"Enter this code: ([A-Z0-9]{8})", bodies[address]).group(1),
            "reset": path("jo@demo.clinic", "/reset-password"),
            "verify": path(f"home.{address}", "/verify-address")}


def test_onboarding_and_recovery_pages(clinic, shared_server, browser):
    found = Findings()
    base = clinic.base_url
    links = asyncio.run(_onboarding_links(shared_server.data_dir))
    visitor = browser("visitor")
    _open(visitor, base, "/forgot-password", "Forgot your password?")
    found.check(visitor, "forgot password")
    type_into(visitor, "Email", "nobody@example.org")
    click_button(visitor, "Send reset link")
    wait(visitor).until(lambda d: visible_texts(d, By.CSS_SELECTOR, ".reset-answer") != [""], "no answer")
    found.check(visitor, "forgot password, answered")
    _open(visitor, base, links["reset"], "Choose a new password")
    found.check(visitor, "reset password")
    click_button(visitor, "Save new password")
    wait(visitor).until(lambda d: field_error(d, "New password"), "no field error for an empty password")
    found.check(visitor, "reset password with its field error")
    _open(visitor, base, "/reset-password?t=no-such-link", "Choose a new password")
    found.check(visitor, "reset password, dead link")
    _open(visitor, base, links["verify"], "Confirm your email address")
    found.check(visitor, "confirm a new address")
    _open(visitor, base, "/verify-address?t=no-such-link", "Confirm your email address")
    found.check(visitor, "confirm a new address, dead link")

    heading = "Secure messaging at Riverside Family Clinic"
    _open(visitor, base, "/invitation?t=no-such-link", heading)
    found.check(visitor, "invitation, dead link")
    _open(visitor, base, links["invitation"], heading)
    found.check(visitor, "invitation, code")
    type_into(visitor, "Code", "WRONG234")
    click_button(visitor, "Continue")
    wait(visitor).until(lambda d: "That code is not right" in " ".join(visible_texts(d, By.CSS_SELECTOR,
                                                                                      "[role=alert]")), "no error")
    found.check(visitor, "invitation, wrong code")
    retype(visitor, "Code", links["code"])
    click_button(visitor, "Continue")
    wait(visitor).until(lambda d: visible(d, By.XPATH, "//button[.//span[normalize-space()='Create my account']]"),
                        "no details step")
    found.check(visitor, "invitation, details and password")
    click_button(visitor, "Create my account")
    wait(visitor).until(lambda d: field_error(d, "Password"), "no field error for an empty password")
    found.check(visitor, "invitation, details with errors")

    visitor.get("about:blank")
    visitor.delete_all_cookies()
    nurse = browser("nurse")
    sign_in(nurse, base, *NURSE, home="/worklist")
    _open(nurse, base, "/invite", "Invite a patient")
    wait(nurse).until(lambda d: visible_texts(d, By.CSS_SELECTOR, ".invitation-state"), "no invitations listed")
    found.check(nurse, "nurse /invite with invitations")
    click_button(nurse, "Send invitation")
    wait(nurse).until(lambda d: field_error(d, "Email"), "no field error after an empty invitation")
    found.check(nurse, "nurse /invite with field errors")

    nurse.get("about:blank")
    nurse.delete_all_cookies()
    admin = browser("admin")
    admin.get(f"{base}/login")
    wait_connected(admin)
    type_into(admin, "Email", ADMIN[0])
    type_into(admin, "Password", ADMIN[1])
    click_button(admin, "Sign in")
    wait_for_path(admin, "/admin")
    _open(admin, base, "/admin/invitations", "Invitations")
    wait(admin).until(lambda d: visible_texts(d, By.CSS_SELECTOR, ".invitation-state"), "no invitations listed")
    found.check(admin, "admin /admin/invitations")


def _replace_text(driver, label: str, text: str) -> None:
    """Type over what a field holds (select all, then type), as a person would."""
    element = field(driver, label)
    element.send_keys(Keys.CONTROL, "a")
    element.send_keys(text)
    wait(driver).until(lambda d: element.get_property("value") == text, f"{label!r} did not take the typed text")


def test_privacy_officer_pages(clinic, browser):
    found = Findings()
    officer = browser("privacy officer")
    base = clinic.base_url
    officer.get(f"{base}/login")
    wait_connected(officer)
    type_into(officer, "Email", PRIVACY_OFFICER[0])
    type_into(officer, "Password", PRIVACY_OFFICER[1])
    click_button(officer, "Sign in")
    wait_for_path(officer, "/audit")
    wait_for_heading(officer, "Audit log")
    wait(officer).until(lambda d: visible_texts(d, By.CSS_SELECTOR, ".page-position")[0].startswith("Page 1"),
                        "no audit entries")
    found.check(officer, "privacy officer /audit")
    click_button(officer, "Older")
    wait(officer).until(lambda d: visible_texts(d, By.CSS_SELECTOR, ".page-position")[0].startswith("Page 2"),
                        "no second page")
    click_button(officer, "Verify chain")
    wait(officer).until(lambda d: visible_texts(d, By.CSS_SELECTOR, ".verify-result")[0].startswith("The chain"),
                        "the chain check never finished")
    found.check(officer, "privacy officer /audit, page 2 and the chain checked")
    found.assert_none()


_FOCUS_LOOK_JS = """
const e = document.activeElement, style = getComputedStyle(e), helper = e.querySelector(':scope > .q-focus-helper');
return {outline: style.outlineStyle, width: parseFloat(style.outlineWidth),
        paler: helper ? parseFloat(getComputedStyle(helper).opacity) : 0};
"""

_FOCUS_PLACE_JS = """
const e = document.activeElement, r = e.getBoundingClientRect();
return {inHeader: !!e.closest('header'), inMain: !!e.closest('.main-content'),
        shown: r.width > 0 && r.height > 0 && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight};
"""


def test_keyboard_skip_link_and_visible_focus(clinic, browser):
    patient = browser("patient")
    sign_in(patient, clinic.base_url, *PATIENT, home="/inbox")
    _open(patient, clinic.base_url, "/inbox", "Inbox")
    # The first Tab on a page lands on a visible "Skip to main content"; Enter on it takes Tab past the header.
    press(patient, Keys.TAB)
    assert focused_name(patient) == "Skip to main content"
    assert patient.execute_script(_FOCUS_PLACE_JS)["shown"], "the skip link has focus but cannot be seen"
    press(patient, Keys.ENTER)
    wait(patient).until(lambda d: d.execute_script(_FOCUS_PLACE_JS)["inMain"], "the skip link did not move focus")
    press(patient, Keys.TAB)
    place = patient.execute_script(_FOCUS_PLACE_JS)
    assert place["inMain"] and not place["inHeader"], f"after the skip link Tab went to {focused_name(patient)!r}"
    assert focused_name(patient).casefold() == "new message"
    # A focused button shows a ring and keeps its colours (Quasar's own focus look made it paler, as if disabled).
    look = patient.execute_script(_FOCUS_LOOK_JS)
    assert look["outline"] != "none" and look["width"] >= 2, f"no visible focus ring on 'New message': {look}"
    assert look["paler"] == 0, f"the focused button is drawn paler: {look}"


# Reflow (WCAG 1.4.10): at 320 CSS pixels wide nothing needs sideways scrolling, and the worklist's parts of a row do
# not lie on top of each other. The window is narrowed the way a phone's screen is, by Chromium's device emulation.
_SIDEWAYS_JS = """
const d = document.documentElement;
const wide = [...document.querySelectorAll('body *')].filter(e => {
  const r = e.getBoundingClientRect();
  return r.width > 0 && (r.right > d.clientWidth + 1 || r.left < -1) && getComputedStyle(e).position !== 'fixed'
    && !e.closest('.skip-link');
}).slice(0, 5).map(e => e.tagName.toLowerCase() + '.' + [...e.classList].join('.'));
return {scroll: d.scrollWidth, client: d.clientWidth, wide};
"""

_OVERLAPS_JS = """
const overlaps = [];
for (const row of document.querySelectorAll('.worklist .worklist-row')) {
  const parts = [...row.querySelectorAll('.q-badge, a, .q-item__label, .q-btn, .text-caption')]
    .filter(e => e.getClientRects().length > 0 && !e.parentElement.closest('.q-btn'));
  for (let i = 0; i < parts.length; i++) for (let j = i + 1; j < parts.length; j++) {
    if (parts[i].contains(parts[j]) || parts[j].contains(parts[i])) continue;
    const a = parts[i].getBoundingClientRect(), b = parts[j].getBoundingClientRect();
    if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1)
      overlaps.push(parts[i].innerText.trim() + ' / ' + parts[j].innerText.trim());
  }
}
return overlaps;
"""


def _narrow(driver, width: int, height: int = 720) -> None:
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
    wait(driver).until(lambda d: d.execute_script("return document.documentElement.clientWidth") <= width,
                       f"{driver.e2e_name}: the window did not narrow to {width} px")


def _wide(driver) -> None:
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def _no_sideways_scrolling(driver, state: str, problems: list[str]) -> None:
    found = wait(driver).until(lambda d: d.execute_script(_SIDEWAYS_JS))  # a layout pass after the resize
    if found["scroll"] > found["client"]:
        problems.append(f"{state}: {found['scroll']} px wide in a {found['client']} px window; "
                        f"too wide: {found['wide']}")


_HEADER_JS = """
const header = document.querySelector('header');
const menu = [...header.querySelectorAll('button[aria-haspopup=dialog]')].filter(b => b.getClientRects().length > 0);
return {height: header.getBoundingClientRect().height, menus: menu};
"""


_CHART_CARDS_JS = """
return [...document.querySelectorAll('.workload-charts > .q-card')].map(c => {
  const r = c.getBoundingClientRect();
  return {top: r.top, bottom: r.bottom, left: r.left, right: r.right};
});
"""


def test_narrow_screens_need_no_sideways_scrolling(clinic, browser):
    problems: list[str] = []
    found = Findings()
    lead = browser("nurse")
    try:
        _narrow(lead, 320)
        lead.get(f"{clinic.base_url}/login")
        wait_connected(lead)
        _no_sideways_scrolling(lead, "sign-in at 320 px", problems)
        sign_in(lead, clinic.base_url, *LEAD, home="/worklist")
        for width in (320, 390):
            _narrow(lead, width)
            _no_sideways_scrolling(lead, f"worklist at {width} px", problems)
            overlaps = lead.execute_script(_OVERLAPS_JS)
            if overlaps:
                problems.append(f"worklist at {width} px: parts of a row overlap: {overlaps[:5]}")
        # The fixed header is one short line with a menu that says which page this is.
        _narrow(lead, 320)
        header = lead.execute_script(_HEADER_JS)
        header["menus"] = [b.accessible_name for b in header["menus"]]  # what a screen reader calls the menu button
        if header["height"] > 64 or header["menus"] != ["Worklist"]:
            problems.append(f"header at 320 px: {header} (wanted one line of at most 64 px, a menu named 'Worklist')")
        found.check(lead, "worklist at 320 px")
        visible(lead, By.CSS_SELECTOR, "header button[aria-haspopup=dialog]")[0].click()
        wait(lead).until(lambda d: visible(d, By.CSS_SELECTOR, ".q-menu nav a[aria-current=page]"), "no menu")
        found.check(lead, "worklist at 320 px, menu open")
        visible(lead, By.XPATH, "//*[contains(@class,'q-menu')]//a[normalize-space()='Team messages']")[0].click()
        wait_for_heading(lead, "Team messages")
        wait_connected(lead)
        _no_sideways_scrolling(lead, "team messages at 320 px", problems)
        found.check(lead, "team messages at 320 px")
        # The dashboard's two charts stand one above the other on a phone (side by side, neither was readable).
        _narrow(lead, 390)
        _open(lead, clinic.base_url, "/dashboard", "Workload")
        wait(lead).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".workload-charts canvas")) == 2, "no charts")
        cards = lead.execute_script(_CHART_CARDS_JS)
        if len(cards) != 2 or cards[1]["top"] < cards[0]["bottom"]:
            problems.append(f"dashboard at 390 px: the charts are not one above the other: {cards}")
        _no_sideways_scrolling(lead, "dashboard at 390 px", problems)
        found.check(lead, "dashboard at 390 px")
    finally:
        _wide(lead)
    assert not problems, "\n".join(problems)
    found.assert_none()
