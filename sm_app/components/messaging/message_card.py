"""One message of a conversation as a single element.

A message drawn as a card, a caption label, a body label and (for this side's latest message) a receipt label was
four elements for as long as the conversation is open, and a conversation page is where patients and nurses keep
their pages open. Here the browser draws the same Quasar card from the element's props (message_card.js): the
caption is a prop and the body is the element's text, which NiceGUI renders as a text node, never as HTML. What a
message rarely has (a template's answers, attachments, library cards) and the read receipt stay real elements, in
the card's named slots.
"""

from __future__ import annotations

from nicegui.elements.mixins.text_element import TextElement
from nicegui.slot import Slot


class MessageCard(TextElement, component="message_card.js"):
    def __init__(self, caption: str, body: str, *, mine: bool) -> None:
        super().__init__(text=body)  # no tag: the element is the component, as ui.link's is
        self.classes("nicegui-card w-full message " + ("bg-teal-1" if mine else "bg-grey-2"))
        self._props.update(caption=caption, has_body=bool(body))

    @property
    def answers(self) -> Slot:
        """Above the body: a template's answers."""
        return self.slots.get("answers") or self.add_slot("answers")

    @property
    def extras(self) -> Slot:
        """Below the body: attachments, library cards and the read receipt."""
        return self.slots.get("extras") or self.add_slot("extras")

    def _displayed_contents(self, *, only_visible: bool) -> list:
        # The caption lives in a prop the browser draws, so ElementFilter (user.should_see, user.find) is told it
        # here; the body is the element's text.
        return [self._props["caption"], *super()._displayed_contents(only_visible=only_visible)]
