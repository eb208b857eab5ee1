"""The colours of Textual's default theme, for pictures drawn outside the terminal.

The run overlay names colours by theme variable (``success``,
``foreground-muted``...); this resolves them the way the debugger's screen
does, from the theme the app starts with, so an exported picture and the
terminal agree. Colours with transparency are blended over the theme's
background, which is what a terminal shows and what every SVG viewer and
Graphviz can draw.
"""
from __future__ import annotations

from functools import lru_cache

THEME = "textual-dark"  # the app sets no theme of its own, so Textual's default is what users see


@lru_cache(maxsize=4)
def variables(theme: str = THEME) -> dict[str, str]:
    """Every CSS variable of ``theme`` as an opaque ``#rrggbb``."""
    from textual.color import Color
    from textual.theme import BUILTIN_THEMES

    system = BUILTIN_THEMES[theme].to_color_system()
    raw = system.generate()
    background = Color.parse(raw["background"])
    out: dict[str, str] = {}
    for name, value in raw.items():
        try:
            colour = Color.parse(value)
        except Exception:  # "auto 87%", "transparent", text styles: not colours
            continue
        out[name] = background.blend(colour, colour.a).hex6 if colour.a < 1 else colour.hex6
    return out


def colour(value: str, theme: str = THEME) -> str:
    """A theme value as Textual CSS writes it (``$error``, ``error 70%``) as
    ``#rrggbb``; KeyError if the theme has no such variable."""
    name, _, alpha = value.strip().partition(" ")
    hex6 = variables(theme)[name.lstrip("$")]
    if not alpha:
        return hex6
    from textual.color import Color
    bg = Color.parse(variables(theme)["background"])
    return bg.blend(Color.parse(hex6), float(alpha.rstrip("%")) / 100).hex6


def palette(names, theme: str = THEME) -> dict[str, str]:
    return {n: colour(n, theme) for n in names}
