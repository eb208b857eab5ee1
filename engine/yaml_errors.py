"""Bad YAML -> one clear ``file:line:col: message`` diagnostic (for :mod:`.load`).

pyyaml's own words ("mapping values are not allowed here") rarely say what
to fix; the slips that cause them nearly always are one of a few (a tab in the
indentation, ``-Name:`` without a space, a key out of line, a value holding
``': '``), so the likeliest one is named, on its line, with a hint.
"""
from __future__ import annotations

import re

import yaml

from .diagnostics import ERROR, Diagnostic

_COLON_NO_SPACE = re.compile(
    r"^(\s*(?:-\s+)?)(Condition|Next|Name|Type|Default|StartAt|End|Seconds|Action|TaskMode|ItemsPath|Code|Detail)"
    r":(?!//)(\S.*)$")
_DASH_NO_SPACE = re.compile(r"^(\s*)-([A-Za-z_\u0080-\uffff][^:\s]*):")


def yaml_error(text: str, err: yaml.YAMLError) -> Diagnostic:
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    line = mark.line + 1 if mark else 1
    col = mark.column + 1 if mark else 1
    problem = getattr(err, "problem", None) or str(err)
    context = getattr(err, "context", None)
    message = f"not valid YAML: {problem}" + (f" ({context})" if context else "")
    lines = text.splitlines()
    hint = ""
    # Find the likeliest cause near the reported place: look at this line and a few above.
    for ln in range(min(line, len(lines)), max(0, line - 4), -1):
        src = lines[ln - 1]
        indent = src[: len(src) - len(src.lstrip(" \t"))]
        if "\t" in indent:
            return Diagnostic(ERROR, "yaml-tab", ln, indent.index("\t") + 1,
                              "a tab character in the indentation; YAML indents with spaces only",
                              "replace the tab with spaces")
        c = _COLON_NO_SPACE.match(src)
        if c:
            return Diagnostic(ERROR, "yaml-colon-space", ln, len(c.group(1)) + 1,
                              f"'{c.group(2)}:{c.group(3)[:24]}' is not a field: YAML needs a space after the colon",
                              f"write '{c.group(2)}: {c.group(3)[:24]}'")
        m = _DASH_NO_SPACE.match(src)
        if m:
            return Diagnostic(ERROR, "yaml-dash-space", ln, len(m.group(1)) + 1,
                              f"'-{m.group(2)}:' is not a list item; YAML needs a space after '-'",
                              f"write '- {m.group(2)}:'")
    found = _structure_slip(lines, line, col, problem, context or "")
    if found is not None:
        return found
    return Diagnostic(ERROR, "yaml-syntax", line, col, message, hint)


_ANY_COLON_NO_SPACE = re.compile(r"^(\s*(?:-\s+)?)([A-Za-z_][\w.$-]*):(?![/:\s])(\S.*)$")
_BARE_WORD = re.compile(r"^(\s*(?:-\s+)?)([A-Za-z_][\w.$ -]*?)\s*$")
_KEY = re.compile(r"^(\s*)(-\s+)?([^\s#:'\"][^:#]*?|'[^']*'|\"[^\"]*\"):(\s|$)")


def _code(src: str) -> bool:
    s = src.strip()
    return bool(s) and not s.startswith("#")


def _key_at(src: str) -> tuple[int, str] | None:
    """``(column of the key, key)`` of a ``key:`` line (after a ``- `` too), else None."""
    m = _KEY.match(src)
    if not m:
        return None
    return len(m.group(1)) + len(m.group(2) or ""), m.group(3)


def _structure_slip(lines: list[str], line: int, col: int, problem: str, context: str) -> Diagnostic | None:
    """What pyyaml calls "mapping values are not allowed here", "did not find
    expected '-' indicator" or "... expected key" is nearly always one of a few
    slips: a key indented more or less than the keys beside it, a list item out
    of line with its list, a value holding ': ', a missing space after a
    colon, a key without its colon. Say which, on the line it is, showing it."""
    if not lines or line > len(lines) + 1:
        return None
    indentation = ("mapping values are not allowed" in problem or "expected '-' indicator" in problem
                   or "expected key" in problem or "could not find expected ':'" in problem)
    if not indentation:
        return None
    here = min(line, len(lines))
    # A missing space after a colon turns `key:value` into plain text, and the next line then fails.
    for ln in range(here, max(0, here - 3), -1):
        src = lines[ln - 1]
        m = _ANY_COLON_NO_SPACE.match(src)
        if m and ": " not in src and not m.group(3).startswith(("//", "\\")):
            return Diagnostic(ERROR, "yaml-colon-space", ln, len(m.group(1)) + 1,
                              f"'{m.group(2)}:{_cut(m.group(3))}' is not a key: YAML needs a space after the colon",
                              f"write '{m.group(2)}: {_cut(m.group(3))}'")
    prev_no = next((n for n in range(here - 1, 0, -1) if _code(lines[n - 1])), None)
    if "could not find expected ':'" in problem and prev_no is not None:
        m = _BARE_WORD.match(lines[prev_no - 1])
        if m and m.group(2).strip():
            word = m.group(2).strip()
            return Diagnostic(ERROR, "yaml-no-colon", prev_no, len(m.group(1)) + 1,
                              f"'{word}' has no ':' after it, so it is neither a key nor part of one",
                              f"write '{word}:'")
        return None
    src = lines[here - 1]
    if "mapping values are not allowed" in problem:
        k = _key_at(src)
        if k is not None and src.count(": ") + src.rstrip().endswith(":") >= 2 and col - 1 > k[0] + len(k[1]):
            value = src.split(": ", 1)[1].strip()
            return Diagnostic(ERROR, "yaml-colon-in-value", here, k[0] + 1,
                              f"the value of '{k[1]}' holds ': ', which YAML reads as the start of another key: "
                              f"{src.strip()!r}", f"quote the value: {k[1]}: \"{value}\"")
    k = _key_at(src)
    if k is None or prev_no is None:
        return None
    indent = len(src) - len(src.lstrip(" "))
    prev = lines[prev_no - 1]
    p = _key_at(prev)
    item = src.lstrip().startswith("- ")
    shown, above = src.strip(), prev.strip()
    if item and p is not None and indent > p[0] and not prev.rstrip().endswith(":"):
        return Diagnostic(ERROR, "yaml-indent", here, indent + 1,
                          f"{shown!r} on line {here} is indented {_spaces(indent)}, more than {above!r} above it "
                          f"(at {p[0]}), which has its value already: YAML reads indentation as structure",
                          f"put it under a key of its own, or remove {above!r}'s value to nest it there")
    if item:
        above = next((n for n in range(here - 1, 0, -1) if lines[n - 1].lstrip().startswith("- ")
                      and len(lines[n - 1]) - len(lines[n - 1].lstrip(" ")) != indent), None)
        if above is None:
            return None
        want = len(lines[above - 1]) - len(lines[above - 1].lstrip(" "))
        return Diagnostic(ERROR, "yaml-indent", here, indent + 1,
                          f"the item {shown!r} on line {here} is indented {_spaces(indent)}, but the items before it "
                          f"are at {want} ({lines[above - 1].strip()!r} on line {above}): YAML reads indentation as "
                          "structure", f"indent line {here} by {_spaces(want)}, like line {above}")
    if p is None:
        return None
    if k[0] < p[0] and "expected '-' indicator" in problem or "expected key" in problem and k[0] != p[0]:
        return Diagnostic(ERROR, "yaml-indent", here, k[0] + 1,
                          f"{shown!r} on line {here} is indented {_spaces(k[0])}, but {above!r} above it is at "
                          f"{p[0]}: YAML reads indentation as structure",
                          f"indent line {here} by {_spaces(p[0])}, like line {prev_no}")
    if k[0] > p[0] and not prev.rstrip().endswith(":"):
        return Diagnostic(ERROR, "yaml-indent", here, k[0] + 1,
                          f"{shown!r} on line {here} is indented {_spaces(k[0])}, more than {above!r} above it "
                          f"(at {p[0]}), which has its value already: YAML reads indentation as structure",
                          f"indent line {here} by {_spaces(p[0])}, like line {prev_no}")
    return None


def _cut(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _spaces(n: int) -> str:
    return f"{n} space{'' if n == 1 else 's'}"

