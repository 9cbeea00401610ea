"""A patient uses a template; the nurse sees the answers as a table."""

from __future__ import annotations

from nicegui import ui
from nicegui.testing import User

from tests.conftest import PATIENT_PW, STAFF_PW
from tests.ui.helpers import see, seeded, sign_in, sign_in_patient, table_rows


async def test_prescription_renewal_template_answers_reach_staff_as_a_table(user: User, create_user) -> None:
    await seeded(user)
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    user.find("New message").click()
    await see(user, "Save draft")  # the whole compose form is there
    user.find("Template").click()
    user.find("Prescription renewal").click()
    await see(user, "Pharmacy (optional)")
    assert user.find("Category").elements.pop().value == "Medication"
    user.find("Subject").type("Renewal please")
    user.find("Send").click()
    await see(user, "Medication is required.")
    user.find(kind=ui.input, content="Medication").type("Lisinopril")
    user.find("Dose (optional)").type("10 mg daily")
    user.find("Send").click()
    await see(user, "Message sent")

    nurse = create_user()
    await sign_in(nurse, "nina@example.org", STAFF_PW)
    await see(nurse, "Renewal please")
    nurse.find("Renewal please").click()
    await see(nurse, "Move to")  # the conversation page
    assert await table_rows(nurse, "template-answers") == [{"field": "Medication", "answer": "Lisinopril"},
                                                            {"field": "Dose", "answer": "10 mg daily"}]
