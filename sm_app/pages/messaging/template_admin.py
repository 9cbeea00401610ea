"""Clinic admin: patient templates — the list (/admin/templates), add (/admin/templates/new) and edit
(/admin/templates/{key}): each save a new version; retire hides a template from New message and keeps it."""

from __future__ import annotations

from nicegui import ui

from sm_app.bootstrap import System
from sm_app.components.admin import open_admin_page
from sm_app.components.admin_heading import admin_heading
from sm_app.components.field_errors import clear_errors, show_field_error
from sm_app.components.formatting import clinic_time
from sm_app.components.frame import PAGE_BUILD_SECONDS, PageContext
from sm_app.health_record.sections import SECTIONS
from sm_app.messaging.templates import KINDS, TemplateField, TemplateSummary
from sm_app.shared.errors import NotFound, ValidationError
from sm_app.shared.wording import plural

KIND_NAMES = {"text": "Short text", "textarea": "Long text", "date": "Date", "choice": "Choice"}
assert set(KIND_NAMES) == set(KINDS)


# What a template field may be filled from: "section.field" of the patient's own health record.
RECORD_SOURCES = {"": "Typed in only", **{f"{section.key}.{field.key}": f"{section.label}: {field.label}"
                                          for section in SECTIONS.values() for field in section.fields}}

def _status(t: TemplateSummary) -> str:
    state = "In use" if t.active else "Retired"
    return f"{t.category} · {plural(len(t.fields), 'field')} · version {t.version} · {state}"


def register(system: System) -> None:
    templates = system.templates

    @ui.page("/admin/templates", response_timeout=PAGE_BUILD_SECONDS)
    async def template_list() -> None:
        ctx = await open_admin_page(system, "/admin/templates", "Patient templates")
        if ctx is None:
            return
        with ui.column().classes("w-full max-w-3xl mx-auto q-pa-md gap-3"):
            admin_heading("Patient templates", "Structured request forms patients choose in New message. An edit "
                                               "is a new version; messages already sent keep what they were sent "
                                               "with. A retired template is hidden from patients and kept.")
            ui.link("Add a template", "/admin/templates/new").classes("text-body1")
            with ui.list().props("bordered separator").classes("w-full template-list"):
                for t in await templates.all_templates(ctx.actor):
                    _template_row(ctx, t)

    def _template_row(ctx: PageContext, t: TemplateSummary) -> None:
        with ui.item().classes("template-row"):
            with ui.item_section():
                ui.link(t.name, f"/admin/templates/{t.key}").classes("text-body1")
                status = ui.label(_status(t)).classes("text-caption template-status")
            with ui.item_section().props("side"):
                shown = {"t": t}

                async def toggle() -> None:
                    if await ctx.still_signed_in() is None:
                        return
                    now = shown["t"]
                    try:
                        await templates.set_retired(ctx.actor, now.key, now.active)
                    except NotFound:
                        ui.notify("That template was not found.", type="negative")
                        return
                    shown["t"] = await templates.template_for_admin(ctx.actor, now.key)
                    status.set_text(_status(shown["t"]))
                    button.set_text("Retire" if shown["t"].active else "Put back in use")
                    ui.notify(f"{now.name}: {'retired' if now.active else 'back in use'}", type="positive")

                button = ui.button("Retire" if t.active else "Put back in use", on_click=toggle).props(
                    "flat dense no-caps")

    @ui.page("/admin/templates/new", response_timeout=PAGE_BUILD_SECONDS)
    async def template_new() -> None:
        ctx = await open_admin_page(system, "/admin/templates/new", "Add a template")
        if ctx is not None:
            await _template_form(ctx, None)

    @ui.page("/admin/templates/{key}", response_timeout=PAGE_BUILD_SECONDS)
    async def template_edit(key: str) -> None:
        ctx = await open_admin_page(system, "/admin/templates", "Edit a template")
        if ctx is None:
            return
        try:
            current = await templates.template_for_admin(ctx.actor, key)
        except NotFound:
            with ui.column().classes("q-pa-md"):
                admin_heading("Template not found")
                ui.link("All templates", "/admin/templates")
            return
        await _template_form(ctx, current)

    async def _template_form(ctx: PageContext, current: TemplateSummary | None) -> None:
        state = {"version": current.version if current else None, "key": current.key if current else None}
        rows: list[dict] = []
        with ui.column().classes("w-full max-w-3xl mx-auto q-pa-md gap-3"):
            admin_heading(f"Edit: {current.name}" if current else "Add a template")
            if current is None:
                key = ui.input("Key", placeholder="e.g. device_problem").props(
                    'hint="Lower-case letters, digits and underscores; it cannot change later"').classes("w-64")
            else:
                key = None
                ui.label(f"Key: {current.key} · version {current.version} · "
                         f"{'in use' if current.active else 'retired'}").classes("text-caption version-line")
            name = ui.input("Name", value=current.name if current else "").classes("w-full")
            category = ui.select(list(templates.categories), label="Category",
                                 value=current.category if current else None).classes("w-64")
            ui.label("Fields").classes("text-h6").props("role=heading aria-level=2")
            ui.label("What the patient fills in. Choice fields need at least two options, separated by commas.") \
                .classes("text-grey-8")
            field_box = ui.column().classes("w-full gap-2")
            fields_error = ui.label("").classes("text-negative fields-error").props('role=alert')

            def add_field(f: TemplateField | None = None) -> None:
                with field_box, ui.card().props("flat bordered").classes("w-full field-card") as card:
                    n = len(rows) + 1
                    with ui.row().classes("w-full items-start gap-2"):
                        label = ui.input(f"Field {n} label", value=f.label if f else "").classes("w-56")
                        kind = ui.select(KIND_NAMES, label=f"Field {n} kind", value=f.kind if f else "text") \
                            .classes("w-40")
                        required = ui.checkbox("Required", value=bool(f.required) if f else False)
                    with ui.row().classes("w-full items-start gap-2"):
                        options = ui.input(f"Field {n} options", value=", ".join(f.options) if f else "") \
                            .classes("w-72")
                        hint = ui.input(f"Field {n} hint", value=f.hint if f else "").classes("w-72")
                        # The patient may pick the answer from their own health record (e.g. their medications).
                        source = ui.select(RECORD_SOURCES, label=f"Field {n} from the health record",
                                           value=f.from_record if f and f.from_record in RECORD_SOURCES else "") \
                            .classes("w-72")
                        entry = {"card": card, "label": label, "kind": kind, "required": required,
                                 "options": options, "hint": hint, "source": source}

                        def remove(entry=entry) -> None:
                            rows.remove(entry)
                            field_box.remove(entry["card"])

                        ui.button("Remove field", on_click=remove).props("flat dense no-caps color=negative")
                rows.append(entry)

            for f in (current.fields if current else ()):
                add_field(f)
            if current is None:
                add_field()
            ui.button("Add a field", icon="add", on_click=lambda: add_field()).props("flat no-caps")
            saved_line = ui.label("").classes("text-positive saved-line").props('role=status')

            async def save() -> None:
                named = {"Key": key, "Name": name, "Category": category} if key is not None else {
                    "Name": name, "Category": category}
                clear_errors(named)
                fields_error.set_text("")
                if await ctx.still_signed_in() is None:
                    return
                fields = [TemplateField(r["label"].value or "", r["kind"].value or "", bool(r["required"].value),
                                        tuple((r["options"].value or "").split(",")), r["hint"].value or "",
                                        r["source"].value or "")
                          for r in rows]
                the_key = state["key"] or (key.value or "").strip()
                try:
                    await templates.save_template(ctx.actor, key=the_key, name=name.value or "",
                                                  category=category.value or "", fields=fields,
                                                  expected_version=state["version"], new=state["version"] is None,
                                                  active=current.active if current else True)
                except ValidationError as exc:
                    show_field_error(named, exc)
                    fields_error.set_text(" ".join(m for f, m in exc.problems if f == "Fields"))
                    return
                except NotFound:
                    ui.notify("That template was not found.", type="negative")
                    return
                saved = await templates.template_for_admin(ctx.actor, the_key)
                state["version"], state["key"] = saved.version, saved.key
                if key is not None:
                    key.disable()
                saved_line.set_text(f"Saved as version {saved.version}. Patients choose from it in New message "
                                    f"now.")
                ui.notify("Template saved", type="positive")

            ui.button("Save template", on_click=save)
            if current is not None:
                ui.label("Versions").classes("text-h6").props("role=heading aria-level=2")
                with ui.list().props("dense").classes("versions"):
                    for version, at, vname in await templates.versions(ctx.actor, current.key):
                        ui.item(f"Version {version} · {vname} · {clinic_time(at, system.settings.timezone)}")
