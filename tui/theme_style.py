"""Rich styles from the Textual theme, for renderables Textual's Content
cannot express (tables, rules): ``themed(widget, "bold $success")``.

Colours are never written in Python here: a ``$name`` is looked up in the
app's current theme variables, so a theme switch recolours everything.
"""
from __future__ import annotations

import re

from rich.style import Style
from textual.color import Color

_VAR = re.compile(r"\$([a-z][a-z0-9-]*)")
_cache: dict[tuple[str, str], Style] = {}


def themed(widget, spec: str) -> Style:
    app = widget.app
    key = (app.theme, spec)
    style = _cache.get(key)
    if style is None:
        variables = app.get_css_variables()
        background = Color.parse(variables.get("background", "black"))

        def colour(m: re.Match) -> str:
            value = variables.get(m.group(1))
            try:
                c = Color.parse(value)
            except Exception:
                return ""
            if c.a < 1:
                c = background.blend(c.with_alpha(1), c.a)
            return c.hex6

        style = _cache[key] = Style.parse(" ".join(_VAR.sub(colour, spec).split()) or "none")
    return style


def th(spec: str) -> Style:
    """:func:`themed` for the app being run (free functions that build
    Rich renderables for a widget, e.g. the Record pane's table)."""
    from textual._context import active_app
    try:
        app = active_app.get()
    except LookupError:
        return Style.parse(" ".join(_VAR.sub("", spec).split()) or "none")

    class _W:  # themed() needs something with .app
        pass
    w = _W()
    w.app = app
    return themed(w, spec)
