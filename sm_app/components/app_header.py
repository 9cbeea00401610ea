"""The header of every signed-in page as one element, plus the few parts that must act on the server.

Every element a page holds costs the server memory and garbage-collector work for as long as the page is open, and
every page has the header: its rows, labels, navigation and links were 18 elements of a patient's conversation's 37.
Here the browser draws the same markup from the header's props (app_header.js): the clinic's name, the person's name,
the navigation's link texts and addresses (the app's own words), and which page is current. What acts or changes on
the server stays a real element in a named slot: the unread and alert badges (their numbers change by value), Sign
out, and the narrow screen's menu button with its menu (filled when it opens). Text goes in only through {{ }}.
"""

from __future__ import annotations

from nicegui import ui
from nicegui.slot import Slot


class AppHeader(ui.header, component="app_header.js"):
    def __init__(self, *, clinic: str, person: str, path: str, main_id: str,
                 links: list[tuple[str, str, str | None]]) -> None:
        """`links`: (text, address, badge slot name or None) in the order shown; the last one sits beside the
        person's name (Settings), the others in the navigation."""
        super().__init__()
        nav: list[dict] = []
        for text, href, badge in links[:-1]:
            link = {"text": text, "href": href, "current": href == path}
            if badge is None and nav and "links" in nav[-1]:
                nav[-1]["links"].append(link)
            elif badge is None:
                nav.append({"links": [link]})
            else:
                nav.append({**link, "badge": badge})
        text, href, _ = links[-1]
        self._props.update(clinic=clinic, person=person, main_id=main_id, nav=nav,
                           settings={"text": text, "href": href, "current": href == path})

    def slot(self, name: str) -> Slot:
        return self.slots.get(name) or self.add_slot(name)

    def texts(self) -> list[str]:
        """What the header shows as text, in reading order (badges, buttons and the menu are elements of their own)."""
        p = self._props
        links = [item["text"] for entry in p["nav"] for item in entry.get("links", [entry])]
        return ["Skip to main content", p["clinic"], *links, p["person"], p["settings"]["text"]]

    def _displayed_contents(self, *, only_visible: bool) -> list:
        # The header's words live in props the browser draws, so ElementFilter (user.should_see, user.find) is told
        # them here.
        return [*super()._displayed_contents(only_visible=only_visible), *self.texts()]
