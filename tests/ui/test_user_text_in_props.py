"""Names people choose (folders, files) end up in labels and errors as text, never as element attributes.

NiceGUI reads a `:`-prefixed prop as JavaScript, so a folder named `x" :title="alert(6)` built into a props string
would run script on every load of /folders. These tests look at the elements the page sends to the browser.
"""

from __future__ import annotations

from nicegui import ui
from nicegui.elements.upload_files import SmallFileUpload
from nicegui.testing import User

from tests.conftest import PATIENT_PW
from tests.ui.helpers import see, seeded, sign_in_patient

PAYLOAD = 'x" :title="alert(6)" onmouseover="alert(7)'


def _injected(user: User) -> list[tuple[str, str]]:
    """Every (element, prop) on the page whose key came from the payload."""
    return [(type(e).__name__, key) for e in user.current_layout.descendants() for key in e.props
            if key.startswith(":title") or key.startswith("onmouseover") or key.startswith("alert")]


def _folder_field(user: User) -> ui.input:
    return next(e for e in user.current_layout.descendants()
                if isinstance(e, ui.input) and e.props.get("label") == "Folder name")


async def test_a_folder_name_with_quotes_is_a_label_not_attributes(user: User) -> None:
    await seeded(user)
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await user.open("/folders")
    await see(user, "You have no folders yet.")
    user.find("Folder name").type(PAYLOAD)
    user.find("Create folder").click()
    await see(user, "Folder created")
    await see(user, PAYLOAD)
    buttons = {e.props.get("aria-label") for e in user.current_layout.descendants() if isinstance(e, ui.button)}
    assert {f"Rename {PAYLOAD}", f"Delete {PAYLOAD}"} <= buttons
    assert _injected(user) == []

    # The duplicate-name error quotes the name back: still a value of the field, never markup.
    user.find("Folder name").type(PAYLOAD)
    user.find("Create folder").click()
    await see(user, f"You already have a folder named {PAYLOAD}.")
    field = _folder_field(user)
    assert field.props["error-message"] == f"You already have a folder named {PAYLOAD}."
    assert field.props["error"] is True
    assert _injected(user) == []

    # Reloading the page (what every later visit does) draws the stored name the same safe way.
    await user.open("/folders")
    await see(user, PAYLOAD)
    assert _injected(user) == []


async def test_a_file_name_with_quotes_is_a_label_not_attributes(user: User) -> None:
    await seeded(user)
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    user.find("New message").click()
    await see(user, "Save draft")
    upload = user.find(ui.upload).elements.pop()
    name = "notes' :title='alert(8)' x.txt"
    await upload.handle_uploads([SmallFileUpload(name, "text/plain", b"my readings")])
    await see(user, f"{name} (1 KB)")
    remove = next(e for e in user.current_layout.descendants()
                  if isinstance(e, ui.button) and e.text == "Remove")
    assert remove.props["aria-label"] == f"Remove {name}"
    assert not [k for e in user.current_layout.descendants() for k in e.props if k.startswith(":title")]
    # An error that names the file keeps it a value too.
    await upload.handle_uploads([SmallFileUpload(name, "text/plain", b"my readings")])
    await see(user, f"{name} is already attached.")
    assert not [k for e in user.current_layout.descendants() for k in e.props if k.startswith(":title")]
