"""Readable by everyone: axe-core (WCAG 2.1 A and AA rules) finds nothing on any page state, in real Chromium.

axe-core is vendored (tests/e2e/axe/axe.min.js, MPL-2.0, see tests/e2e/axe/README.md), so the check runs offline
and always with the same rules. Each test signs in as one person and walks through that person's pages, in the
states people meet (a list with rows, a form showing its errors, a dialog open); every violation of every state is
collected and the test fails once, naming each with its rule id and the elements it concerns.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from .browser_steps import (
    By,
    Keys,
    click_button,
    dialog_texts,
    field_error,
    press,
    sign_in,
    tab_to,
    type_into,
    visible,
    visible_texts,
    wait,
    wait_connected,
    wait_for_heading,
    wait_for_path,
)
from .clinic_db import LEAD, NURSE, PATIENT, actor_for, clinic_system

pytestmark = pytest.mark.e2e

AXE_SOURCE = (Path(__file__).with_name("axe") / "axe.min.js").read_text(encoding="utf-8")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ADMIN = ("admin@demo.clinic", "demo-admin-password-1")  # Ada Admin (data/demo_clinic.json)
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


async def _fill_clinic(data_dir: Path) -> tuple[str, str, str, str]:
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
        await system.messaging.reply(nurse, answered, "Renewed for 90 days; ready at the pharmacy tomorrow.")
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
        return answered, subject, urgent, folder.id


@pytest.fixture(scope="module")
def clinic(shared_server) -> Clinic:
    answered, subject, urgent, folder_id = asyncio.run(_fill_clinic(shared_server.data_dir))
    return Clinic(shared_server.base_url, answered, subject, urgent, folder_id)


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


def test_sign_in_and_patient_pages(clinic, browser):
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

    _open(patient, base, f"/thread/{clinic.answered}", clinic.answered_subject)
    found.check(patient, "patient conversation")
    click_button(patient, "Reply")
    type_into(patient, "Message", "Now I have crushing chest pain and my left arm is numb.")
    click_button(patient, "Send")
    wait(patient).until(lambda d: dialog_texts(d), "no 'Is this an emergency?' dialog")
    found.check(patient, "patient conversation, urgent-words dialog open")
    click_button(patient, "Go back and edit")

    _open(patient, base, f"/thread/{clinic.answered}/print", clinic.answered_subject)
    found.check(patient, "patient print view")
    found.assert_none()


def test_staff_pages(clinic, browser):
    found = Findings()
    nurse = browser("nurse")
    base = clinic.base_url
    sign_in(nurse, base, *NURSE, home="/worklist")
    found.check(nurse, "nurse worklist")
    _open(nurse, base, f"/thread/{clinic.urgent}", "Since tonight")
    found.check(nurse, "nurse conversation with the care-team panel")
    for path, heading in (("/alerts", "Alerts"), ("/dashboard", "Workload"), ("/sent", "Sent"),
                          ("/settings", "Settings")):
        _open(nurse, base, path, heading)
        found.check(nurse, f"nurse {path}")
    _open(nurse, base, f"/thread/{clinic.urgent}/print", "Since tonight")
    found.check(nurse, "nurse print view")

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
    for path, heading in (("/admin/outbox", "Email outbox"), ("/alerts", "Alerts")):
        _open(admin, base, path, heading)
        found.check(admin, f"admin {path}")
    found.assert_none()
