"""The workload dashboard with the User fixture: staff reach it from the header and see this week's counts,
a bad date range is named at the field, the CSV downloads; patients have no link and are refused."""

from __future__ import annotations

import asyncio

from nicegui import app, ui
from nicegui.testing import User

from sm_app.care_team.reports import CSV_HEADER
from tests.conftest import PATIENT_PW, STAFF_PW
from tests.ui.helpers import follow_header_link, see, seeded, sign_in, sign_in_patient


async def _table_rows(user: User, marker: str) -> list[dict]:
    for _ in range(100):
        tables = [t for t in user.find(marker=marker).elements if isinstance(t, ui.table)]
        if tables:
            return tables[0].rows
        await asyncio.sleep(0.05)
    raise AssertionError(f"no table marked {marker}")


async def test_staff_see_this_weeks_counts_and_download_them(user: User) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    sent = []
    for category, subject in (("Medication", "Inhaler renewal"), ("General", "Parking question")):
        sent.append((await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category=category,
                                                         subject=subject, body="Routine question.")).thread_id)
    await system.messaging.reply(clinic.blue_nurse, sent[0], "Renewed.")

    await sign_in(user, "nina@example.org", STAFF_PW)
    await see(user, "Dashboard")
    await follow_header_link(user, "Dashboard")
    await see(user, "Workload")
    await see(user, "Open now: 1")
    await see(user, "Overdue now: 0")
    rows = await _table_rows(user, "workload-buckets")
    totals = [r for r in rows if r["category"] == "All categories"]  # the default range: 8 weeks up to today
    assert len(totals) == 8
    assert (totals[-1]["received"], totals[-1]["answered"]) == (2, 1)
    assert all((r["received"], r["answered"]) == (0, 0) for r in totals[:-1])
    this_week = [r for r in rows if r["bucket"] == totals[-1]["bucket"] and r["category"] != "All categories"]
    per_category = {r["category"]: (r["received"], r["answered"]) for r in this_week}
    assert per_category["Medication"] == (1, 1) and per_category["General"] == (1, 0)
    staff = await _table_rows(user, "workload-staff")
    assert [(r["name"], r["answered"], r["within"]) for r in staff] == [("Nina Blue", 1, "100%")]

    user.find("Download CSV").click()
    response = await user.download.next(timeout=5)
    lines = response.text.splitlines()
    assert lines[0] == ",".join(CSV_HEADER)
    assert lines[1].startswith("Total,Blue Team,") and ",2,1,1,100.0," in lines[1]

    # One category: the table follows the control.
    user.find("Category").click()
    user.find("Medication").click()
    for _ in range(100):
        rows = await _table_rows(user, "workload-buckets")
        if rows and rows[-1]["category"] == "Medication":
            break
        await asyncio.sleep(0.05)
    assert (rows[-1]["received"], rows[-1]["answered"]) == (1, 1)


async def test_a_bad_date_range_is_named_at_the_field(user: User) -> None:
    await seeded(user)
    await sign_in(user, "nina@example.org", STAFF_PW)
    await see(user, "Dashboard")
    await user.open("/dashboard")
    await see(user, "Workload")
    user.find("From").clear().type("2026-12-31")
    user.find("To").clear().type("2026-01-01")
    user.find("Show").click()
    await see(user, "To must be on or after From.")
    to_field = next(e for e in user.find("To").elements if isinstance(e, ui.input))
    assert to_field.props.get("error-message") == "To must be on or after From."  # shown next to the field
    assert to_field.value == "2026-01-01"  # what was typed stays
    user.find("To").clear().type("not a date")
    user.find("Show").click()
    await see(user, "Enter To as YYYY-MM-DD, for example 2026-11-02.")


async def test_patients_have_no_dashboard(user: User) -> None:
    await seeded(user)
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await user.should_not_see("Dashboard")
    await user.open("/dashboard")
    await see(user, "The workload dashboard is for care teams.")
    await user.should_not_see("Download CSV")


async def test_the_summary_says_which_dates_it_covers_and_the_charts_keep_their_legends_clear(user: User) -> None:
    # Weeks are whole weeks: a range from a Wednesday to a Thursday covers Monday to Sunday, and the summary says so
    # instead of showing dates that disagree with the From and To fields.
    await seeded(user)
    await sign_in(user, "nina@example.org", STAFF_PW)
    await see(user, "Dashboard")
    await user.open("/dashboard")
    await see(user, "Workload")
    user.find("From").clear().type("2026-11-04")
    user.find("To").clear().type("2026-11-19")
    user.find("Show").click()
    await see(user, "2026-11-04 to 2026-11-19 (whole weeks: 2026-11-02 to 2026-11-22):")
    user.find("Period").click()
    user.find("Day").click()
    await see(user, "2026-11-04 to 2026-11-19: 0 received")
    # Both charts put their legend under the plot, with the axis labels inside it (at the top it covered them).
    charts = [e for e in user.current_layout.descendants() if isinstance(e, ui.echart)]
    assert len(charts) == 2
    for chart in charts:
        assert chart.options["legend"]["bottom"] == 0 and chart.options["grid"]["containLabel"] is True
        assert "name" not in chart.options["yAxis"]
