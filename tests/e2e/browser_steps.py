"""What a person does in the browser, as small steps with explicit waits (no sleeps).

Selectors follow what a person (or a screen reader) sees: inputs by their aria-label (Quasar sets
it from the field label), buttons by their visible text, links by their text.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

try:
    from selenium.common.exceptions import (
        ElementClickInterceptedException,
        NoAlertPresentException,
        StaleElementReferenceException,
        TimeoutException,
    )
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.remote.webelement import WebElement
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError:  # the `browser` fixture reports it: skip, or fail when SM_REQUIRE_BROWSER=1
    StaleElementReferenceException = TimeoutException = WebDriver = WebElement = WebDriverWait = None
    ElementClickInterceptedException = Exception
    ActionChains = Keys = NoAlertPresentException = None

    class By:
        CSS_SELECTOR = "css selector"
        XPATH = "xpath"

WAIT = 10.0  # seconds; every live update must arrive within this
THREAD_URL = re.compile(r"/thread/([^/?#]+)$")


def xpath_literal(text: str) -> str:
    """A string literal for XPath 1.0 that survives both kinds of quotes."""
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text:
        return f'"{text}"'
    return "concat(" + ", \"'\", ".join(f"'{part}'" for part in text.split("'")) + ")"


def wait(driver: WebDriver, timeout: float = WAIT, poll: float = 0.05) -> WebDriverWait:
    return WebDriverWait(driver, timeout, poll_frequency=poll,
                         ignored_exceptions=(StaleElementReferenceException,))


def path_of(driver: WebDriver) -> str:
    return urlparse(driver.current_url).path


def wait_for_path(driver: WebDriver, pattern: str, timeout: float = WAIT) -> str:
    """Wait until the URL path fully matches `pattern` (a regex); returns the path."""
    rx = re.compile(pattern)
    wait(driver, timeout).until(lambda d: rx.fullmatch(path_of(d)),
                                f"{driver.e2e_name}: URL path never matched {pattern!r}")
    return path_of(driver)


def wait_connected(driver: WebDriver) -> None:
    """The page's NiceGUI websocket is up, so the server can push to it."""
    wait(driver).until(
        lambda d: d.execute_script("return !!(window.did_handshake && window.socket && window.socket.connected)"),
        f"{driver.e2e_name}: the page never connected its websocket",
    )


def forget_cookies(driver: WebDriver) -> None:
    """Drop every cookie of this browser (WebDriver's delete_all_cookies only reaches the current site)."""
    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})


def mark_page(driver: WebDriver, marker: str) -> None:
    """Leave a marker in this document; it only survives as long as nobody reloads or navigates."""
    driver.execute_script("window.__e2eMarker = arguments[0];", marker)


def assert_not_reloaded(driver: WebDriver, marker: str) -> None:
    found = driver.execute_script("return window.__e2eMarker || null;")
    assert found == marker, f"{driver.e2e_name}: the page was reloaded or navigated (marker {found!r})"


# One round trip per query: find by CSS or XPath in the page and keep what is rendered and not hidden.
_QUERY_JS = """
const [by, selector, what] = arguments;
let found = [];
if (by === 'css selector') {
  found = [...document.querySelectorAll(selector)];
} else {
  const r = document.evaluate(selector, document, null, XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null);
  for (let i = 0; i < r.snapshotLength; i++) found.push(r.snapshotItem(i));
}
const shown = found.filter(e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden');
if (what === 'enabled') return shown.filter(e => !e.disabled && !e.classList.contains('disabled'));
if (what === 'texts') return shown.map(e => e.innerText.trim());
return shown;
"""


def visible(driver: WebDriver, by: str, selector: str) -> list[WebElement]:
    """Elements the person can see (rendered, not hidden)."""
    assert by in (By.CSS_SELECTOR, By.XPATH)
    return driver.execute_script(_QUERY_JS, by, selector, "elements")


def visible_texts(driver: WebDriver, by: str, selector: str) -> list[str]:
    return driver.execute_script(_QUERY_JS, by, selector, "texts")


def button_xpath(label: str) -> str:
    return f"//button[.//span[contains(@class,'block') and normalize-space()={xpath_literal(label)}]]"


# Quasar animates dialogs, menus and notifications with `q-transition--…-enter-active` / `…-leave-active` classes
# on the moving element while the animation runs.
_MOVING_JS = """
return !!arguments[0].closest('[class*="-enter-active"], [class*="-leave-active"]');
"""


def click_button(driver: WebDriver, label: str, timeout: float = WAIT) -> None:
    """Click the one visible, enabled button with this text (once the page can tell the server)."""
    wait_connected(driver)

    def find_and_click(d):
        buttons = d.execute_script(_QUERY_JS, By.XPATH, button_xpath(label), "enabled")
        if len(buttons) != 1:
            return False
        if d.execute_script(_MOVING_JS, buttons[0]):
            # A dialog still growing in: WebDriver presses and releases the mouse at the point it measured first,
            # and a button that moved in between gets no click at all (seen on a loaded CI machine). A person
            # clicks what has stopped moving; so does the test.
            return False
        try:
            buttons[0].click()
        except ElementClickInterceptedException:
            # A dialog is still fading in or out over it, or the page is scrolled so that the fixed header covers
            # it: bring it to the middle of the window, as a person would scroll to it, and try again.
            d.execute_script("arguments[0].scrollIntoView({block: 'center'})", buttons[0])
            return False
        return True

    wait(driver, timeout).until(find_and_click, f"{driver.e2e_name}: no single clickable button {label!r}")


def field(driver: WebDriver, label: str, timeout: float = WAIT) -> WebElement:
    """The visible input/textarea whose label (aria-label) is `label`."""
    selector = f"input[aria-label={label!r}], textarea[aria-label={label!r}]"

    def find(d):
        fields = visible(d, By.CSS_SELECTOR, selector)
        return fields[0] if len(fields) == 1 else False

    return wait(driver, timeout).until(find, f"{driver.e2e_name}: no single visible field {label!r}")


def type_into(driver: WebDriver, label: str, text: str) -> None:
    element = field(driver, label)
    if element.get_property("value"):
        element.clear()
    element.send_keys(text)
    wait(driver).until(lambda d: element.get_property("value") == text,
                       f"{driver.e2e_name}: {label!r} did not take the typed text")


def combobox(driver: WebDriver, label: str) -> WebElement:
    """A Quasar select's focus target (input role=combobox, aria-label from the label; not itself visible)."""
    xpath = f"//label[.//input[@role='combobox' and @aria-label={xpath_literal(label)}]]"

    def find(d):
        fields = visible(d, By.XPATH, xpath)
        return fields[0].find_element(By.CSS_SELECTOR, "input[role=combobox]") if len(fields) == 1 else False

    return wait(driver).until(find, f"{driver.e2e_name}: no single visible select {label!r}")


def selected(driver: WebDriver, label: str) -> str:
    return combobox(driver, label).get_property("value")


def pick_option(driver: WebDriver, label: str, option: str) -> str:
    """Open a Quasar select by its label (click the field, as a person would) and click an option by its text.

    What the page does next is the caller's to check; returns the option's XPath.
    """
    combo = combobox(driver, label)
    combo.find_element(By.XPATH, "./ancestor::label[1]").click()
    listbox = combo.get_attribute("aria-controls")
    option_xpath = (f"//*[@id={xpath_literal(listbox)}]//*[@role='option']"
                    f"[normalize-space()={xpath_literal(option)}]")
    wait(driver).until(lambda d: visible(d, By.XPATH, option_xpath),
                       f"{driver.e2e_name}: option {option!r} of {label!r} never showed")[0].click()
    return option_xpath


def choose(driver: WebDriver, label: str, option: str) -> None:
    """Open a Quasar select by its label (click the field, as a person would) and pick an option by its text."""
    option_xpath = pick_option(driver, label, option)
    wait(driver).until(lambda d: selected(d, label) == option, f"{driver.e2e_name}: {label!r} did not take {option!r}")
    wait(driver).until(lambda d: not visible(d, By.XPATH, option_xpath), f"{driver.e2e_name}: menu did not close")


def body_text(driver: WebDriver) -> str:
    return driver.execute_script("return document.body.innerText;")


def wait_for_text(driver: WebDriver, text: str, timeout: float = WAIT) -> None:
    wait(driver, timeout).until(lambda d: text in body_text(d), f"{driver.e2e_name}: {text!r} never showed")


def heading(driver: WebDriver) -> str:
    """The page's level-1 heading (every signed-in page has one)."""
    headings = visible_texts(driver, By.CSS_SELECTOR, "[role=heading][aria-level='1']")
    return headings[0] if headings else ""


def assert_drawn_once(driver: WebDriver) -> None:
    """The page's content is drawn once: one level-1 heading (a doubled refresh draws two)."""
    headings = visible_texts(driver, By.CSS_SELECTOR, "[role=heading][aria-level='1']")
    assert len(headings) == 1, f"{driver.e2e_name}: the page is drawn {len(headings)} times: {headings}"


def wait_for_heading(driver: WebDriver, text: str, timeout: float = WAIT) -> None:
    wait(driver, timeout).until(lambda d: heading(d) == text,
                                f"{driver.e2e_name}: heading never became {text!r} (at {d_path(driver)})")


def d_path(driver: WebDriver) -> str:
    try:
        return path_of(driver)
    except Exception:  # noqa: BLE001 - only used in messages
        return "?"


def link_xpath(text: str) -> str:
    return f"//a[normalize-space()={xpath_literal(text)}]"


def thread_links(driver: WebDriver, subject: str) -> list[WebElement]:
    """Rows of the visible thread list whose link text is exactly `subject`."""
    return visible(driver, By.XPATH, f"//*[contains(@class,'thread-list')]{link_xpath(subject)}")


def _row_xpath(subject: str) -> str:
    return f"//*[contains(@class,'thread-list')]//*[contains(@class,'thread-row')][.{link_xpath(subject)}]"


def thread_row_text(driver: WebDriver, subject: str) -> str:
    rows = visible_texts(driver, By.XPATH, _row_xpath(subject))
    assert len(rows) == 1, f"{driver.e2e_name}: {len(rows)} rows for {subject!r}"
    return rows[0]


def row_is_unread(driver: WebDriver, subject: str) -> bool:
    """The row shows the 'Unread' marker."""
    markers = visible_texts(driver, By.XPATH, _row_xpath(subject) + "//*[contains(@class,'unread-marker')]")
    return markers == ["Unread"]


_BADGE_JS = """
return [...document.querySelectorAll('header nav .unread-badge')]
  .filter(e => e.getClientRects().length > 0)
  .map(e => [e.innerText.trim(), e.getAttribute('aria-label')]);
"""


def unread_badge_count(driver: WebDriver) -> int:
    """The number in the header's red badge next to Inbox/Worklist; 0 when there is no badge."""
    badges = driver.execute_script(_BADGE_JS)
    if not badges:
        return 0
    assert len(badges) == 1, f"{driver.e2e_name}: {len(badges)} unread badges in the header: {badges}"
    text, aria_label = badges[0]
    assert aria_label == f"{text} unread", f"{driver.e2e_name}: badge {text!r} is labelled {aria_label!r}"
    return int(text)


def message_bodies(driver: WebDriver) -> list[str]:
    return visible_texts(driver, By.CSS_SELECTOR, ".message .message-body")


def read_receipts(driver: WebDriver) -> list[str]:
    return visible_texts(driver, By.CSS_SELECTOR, ".message .read-receipt")


HOME_HEADINGS = {"/inbox": "Inbox", "/worklist": "Worklist"}
FOLDER_EMPTY = ("No messages yet.", "You have not sent any messages.", "No conversations for your care teams.")


def wait_for_folder(driver: WebDriver, title: str, empty_texts: tuple[str, ...] = FOLDER_EMPTY) -> None:
    """A folder page (Inbox, Sent, Worklist) is drawn: its heading and its list, or the empty-folder text.

    The list can show up a moment after the heading; checking that something is *not* listed before
    the list is there would prove nothing. Trash and one's own folders say other things when empty:
    pass those as `empty_texts`.
    """
    wait_for_heading(driver, title)
    empty = " or ".join(f"normalize-space()={xpath_literal(t)}" for t in empty_texts)
    wait(driver).until(lambda d: visible(d, By.XPATH, f"//*[contains(@class,'thread-list')] | //div[{empty}]"),
                       f"{driver.e2e_name}: the {title} list was never drawn")


def sign_in(driver: WebDriver, base_url: str, email: str, password: str, *, home: str) -> None:
    """Sign in from /login; accept the messaging terms if asked; end on `home`, connected.

    A patient who has not accepted the terms is sent to `home` first and from there to /terms, so
    "arrived" means: the terms button, or the home page's heading.
    """
    driver.get(f"{base_url}/login")
    # Keys typed before the websocket is up reach the server out of order (NiceGUI's pending-event timers),
    # so the server could get "nurse@demo.cli" while the field shows the whole address.
    wait_connected(driver)
    type_into(driver, "Email", email)
    type_into(driver, "Password", password)
    click_button(driver, "Sign in")
    accept = "I accept the messaging terms"

    def arrived(d):
        if path_of(d) == "/terms" and visible(d, By.XPATH, button_xpath(accept)):
            return "terms"
        return "home" if path_of(d) == home and heading(d) == HOME_HEADINGS[home] else False

    try:
        where = wait(driver).until(arrived)
    except TimeoutException:
        raise AssertionError(f"{driver.e2e_name}: sign-in as {email} went nowhere (at {d_path(driver)}, "
                             f"alert: {alert_text(driver)!r})") from None
    if where == "terms":
        click_button(driver, accept)
        wait_for_path(driver, re.escape(home))
    wait_for_folder(driver, HOME_HEADINGS[home])
    wait_connected(driver)


def alert_text(driver: WebDriver) -> str:
    try:
        return " ".join(visible_texts(driver, By.CSS_SELECTOR, "[role=alert]"))
    except Exception:  # noqa: BLE001 - only used in messages
        return ""


def fill_new_message(driver: WebDriver, *, team: str, category: str, subject: str, body: str) -> None:
    """From /inbox: New message, check To, pick Category, type Subject and Message (not sent yet)."""
    click_button(driver, "New message")
    wait_for_path(driver, "/compose")
    wait_for_heading(driver, "New message")
    wait_connected(driver)
    assert selected(driver, "To") == team, "the only care team is not preselected in To"
    choose(driver, "Category", category)
    type_into(driver, "Subject", subject)
    type_into(driver, "Message", body)


def notification_texts(driver: WebDriver) -> list[str]:
    return visible_texts(driver, By.CSS_SELECTOR, ".q-notification .q-notification__message")


def thread_id_of(driver: WebDriver) -> str:
    match = THREAD_URL.search(path_of(driver))
    assert match, f"{driver.e2e_name}: not on a thread page ({driver.current_url})"
    return match.group(1)


def header_link(driver: WebDriver, text: str) -> WebElement:
    """The link with this text in the page header's navigation (Inbox, Drafts, Trash, Folders, ...)."""
    return wait(driver).until(lambda d: (visible(d, By.XPATH, f"//header{link_xpath(text)}") or [False])[0],
                              f"{driver.e2e_name}: no header link {text!r}")


def link(driver: WebDriver, text: str) -> WebElement:
    """The one visible link with exactly this text, anywhere on the page."""

    def find(d):
        links = visible(d, By.XPATH, link_xpath(text))
        return links[0] if len(links) == 1 else False

    return wait(driver).until(find, f"{driver.e2e_name}: no single visible link {text!r}")


def draft_status(driver: WebDriver) -> str:
    """The compose page's autosave line ("Draft saved at ..."); empty before the first save."""
    return " ".join(visible_texts(driver, By.CSS_SELECTOR, ".draft-status"))


def dialog_texts(driver: WebDriver) -> list[str]:
    """The visible alert dialogs' texts (the app's "Is this an emergency?" question is one)."""
    return visible_texts(driver, By.CSS_SELECTOR, "[role=alertdialog]")


def open_prompt(driver: WebDriver):
    """The browser's own open dialog (alert, confirm, "Leave site?"), or None."""
    try:
        return driver.switch_to.alert
    except NoAlertPresentException:
        return None


# Keyboard only: keys go to whatever has focus, as a person's keyboard does; no element is clicked.

def press(driver: WebDriver, *keys: str) -> None:
    ActionChains(driver).send_keys(*keys).perform()


def focused_name(driver: WebDriver) -> str:
    """The accessible name (what a screen reader announces) of the element that has keyboard focus."""
    return driver.switch_to.active_element.accessible_name


def focus_is_on_the_page(driver: WebDriver) -> bool:
    """Nothing in particular has focus: a freshly loaded page, before the first Tab."""
    return driver.execute_script("return document.activeElement === document.body;")


def tab_to(driver: WebDriver, name: str, *, limit: int = 40) -> None:
    """Press Tab until the focused element's accessible name is `name`; fail naming every stop on the way.

    Case is ignored: Chromium's name follows CSS text-transform (Quasar buttons say "SEND").
    """
    stops = []
    for _ in range(limit):
        press(driver, Keys.TAB)
        stops.append(focused_name(driver))
        if stops[-1].casefold() == name.casefold():
            return
    raise AssertionError(f"{driver.e2e_name}: Tab never reached {name!r} in {limit} presses; focus went {stops}")


# Rows of the staff worklist (one row per conversation, found by its subject link).

def row_texts(driver: WebDriver, subject: str) -> list[str]:
    """The visible texts of the thread-list rows whose link is `subject` (empty while the list is redrawn)."""
    return visible_texts(driver, By.XPATH, _row_xpath(subject))


def click_button_in_row(driver: WebDriver, subject: str, label: str, timeout: float = WAIT) -> None:
    """Click the one visible, enabled button with this text inside the row of `subject`."""
    wait_connected(driver)
    xpath = _row_xpath(subject) + button_xpath(label)

    def find_and_click(d):
        buttons = d.execute_script(_QUERY_JS, By.XPATH, xpath, "enabled")
        if len(buttons) != 1:
            return False
        buttons[0].click()
        return True

    wait(driver, timeout).until(find_and_click, f"{driver.e2e_name}: no single button {label!r} in the row {subject!r}")


def click_row_at(driver: WebDriver, subject: str, css: str) -> None:
    """A real mouse click on a part of the row of `subject` that is not its link (e.g. '.worklist-with').

    A pointer click at that spot, whatever is on top there: a row that acts as a link must take it.
    """
    xpath = _row_xpath(subject)

    def find(d):
        rows = visible(d, By.XPATH, xpath)
        if len(rows) != 1:
            return False
        parts = [p for p in rows[0].find_elements(By.CSS_SELECTOR, css) if p.is_displayed()]
        return parts[0] if len(parts) == 1 else False

    part = wait(driver).until(find, f"{driver.e2e_name}: no single {css!r} in the row {subject!r}")
    ActionChains(driver).move_to_element(part).click().perform()


def field_error(driver: WebDriver, label: str) -> str:
    """The error shown under the field labelled `label` when the field is marked as wrong; '' otherwise."""
    return driver.execute_script(
        """
        const label = arguments[0];
        const input = [...document.querySelectorAll('input[aria-label], textarea[aria-label]')]
          .find(e => e.getAttribute('aria-label') === label && e.getClientRects().length > 0);
        const box = input && input.closest('.q-field');
        if (!box || !box.classList.contains('q-field--error')) return '';
        const messages = box.querySelector('.q-field__messages');
        return messages ? messages.innerText.trim() : '';
        """,
        label,
    )


def retype(driver: WebDriver, label: str, text: str) -> None:
    """Replace what a field holds, as a person does: select it all and type over it (Selenium's `clear()` empties the
    input without telling Vue, so the old value comes back in front of the new text)."""
    element = field(driver, label)
    element.send_keys(Keys.CONTROL, "a")
    element.send_keys(text)
    wait(driver).until(lambda d: element.get_property("value") == text,
                       f"{driver.e2e_name}: {label!r} did not take the typed text")
