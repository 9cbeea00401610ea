"""The app's colours and the few style rules every page shares, chosen so that everything reads at WCAG 2.1 AA.

Installed once by `app.create_app`, before any page is built: `app.colors` sets Quasar's brand colours for every page
(NiceGUI's defaults put white text on #5898d4 at 3.1:1), and the CSS below is added to every page's head (the sign-in
page and the print view included). tests/e2e/test_accessibility.py runs axe-core on every page state to keep it so.
"""

from __future__ import annotations

from nicegui import app, ui

# Contrast with white text (or as text on white): primary 5.8:1, positive 5.1:1, info 4.8:1, negative 6.4:1. Warning
# notifications use dark text (Quasar's default for that type).
COLORS = {"primary": "#1565c0", "secondary": "#00695c", "positive": "#2e7d32", "negative": "#c10015",
          "info": "#0277bd", "warning": "#f2c037"}

FOCUS = "#1d4ed8"  # 6.7:1 on white: the focus ring

SHARED_CSS = f"""
/* NiceGUI's link blue (#3b82f6) reads at 3.7:1 on white; this one at 6.7:1 (5.9:1 on unread rows). */
.nicegui-link {{ color: {FOCUS}; }}
/* Quasar's grey for the side text of a list row (#757575) reads at 4.0:1 on the unread rows' blue. */
.q-item__section--side {{ color: #616161; }}

/* A focused control shows a ring. Quasar's own focus look makes a button paler, which reads as "disabled", and
   on a filled button lowers the contrast of its text; the same goes for hovering over white-text buttons, which
   darken instead. */
body.desktop .q-focusable:focus > .q-focus-helper,
body.desktop .q-manual-focusable--focused > .q-focus-helper {{ opacity: 0; }}
body.desktop .q-btn.text-white.q-hoverable:hover > .q-focus-helper {{ background: #000; opacity: 0.15; }}
body.desktop .q-btn.text-white.q-hoverable:hover > .q-focus-helper:after {{ opacity: 0; }}
/* In NiceGUI's first cascade layer: important declarations of earlier layers win, and Quasar's `no-outline` on every
   button is an important one (in NiceGUI's last layer). */
@layer theme {{
  :focus-visible {{ outline: 3px solid {FOCUS} !important; outline-offset: 2px !important; }}
  .q-header :focus-visible, .q-uploader__header :focus-visible, .skip-link:focus-visible {{
    outline-color: #fff !important;
  }}
  /* In a field the field itself shows focus (its line turns blue and thicker); a ring around the bare input inside
     it would sit oddly within the box. Nor around the whole page body, which the skip link focuses. */
  .q-field__native:focus-visible, .q-field__input:focus-visible, .main-content:focus {{ outline: none !important; }}
}}
/* The header says which page this is: its link drawn heavier (and, on a narrow screen, its name on the menu button). */
.q-header .current-page {{ font-weight: bold; text-decoration-thickness: 3px; }}
.q-header .header-compact + .ellipsis {{ min-width: 0; }}
.q-header .page-name::after {{ content: attr(data-page); }}
/* Narrow (a phone, or 200 % zoom): the fixed header is one thin line, so it covers little of the page. */
@media (max-width: 1023.98px) {{ .app-header {{ padding-top: 4px; padding-bottom: 4px; }} }}
/* The skip link (components/frame.py) stays out of sight until Tab reaches it. */
.skip-link {{ position: absolute; left: 8px; top: -100px; z-index: 7000; padding: 8px 16px; background: #fff;
  color: {FOCUS}; font-weight: bold; border-radius: 4px; }}
.skip-link:focus {{ top: 8px; }}
"""


def install() -> None:
    """Set the brand colours and add the shared CSS for every page (call once, before `ui.run`)."""
    app.colors(**COLORS)
    # Quasar's ajax bar appears during any XHR as a progress bar without a name (axe: aria-progressbar-name); this app
    # talks over its websocket, and uploads show their own progress.
    app.config.quasar_config["loadingBar"]["skipHijack"] = True
    ui.add_css(SHARED_CSS, shared=True)
