"""What the step got beside what it produced (or, before it runs, what it
will do), like the step details of a cloud console: Input | Output side by
side for the step the last key ran, then Input | Will do for the state the
debugger stopped at. ``$Context`` stays folded in the Values tab."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from flowdbg.engine.execution import MISSING

from ..step_story import outcome, waiting_for, why_here
from ..theme_style import themed

MAX_TEXT = 6000

#: A legacy step's type -> the FDL v1 kind whose preview it shows (``engine/execution/legacy/preview.py``).
LEGACY_KIND = {"task": "Task", "choice": "Choice", "wait": "Wait", "foreach": "Map", "parallel": "Parallel",
               "fail": "Fail", "pass": "Pass", "succeed": "Succeed"}


def _pretty(value: Any, width: int, indent: int) -> str:
    one = json.dumps(value, ensure_ascii=False, default=str)
    if indent + len(one) <= width or not isinstance(value, (dict, list)) or not value:
        return one
    pad, inner = " " * indent, " " * (indent + 2)
    if isinstance(value, dict):
        items = [f"{inner}{json.dumps(k, ensure_ascii=False)}: "
                 f"{_pretty(v, width, indent + 2).lstrip()}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    items = [inner + _pretty(v, width, indent + 2).lstrip() for v in value]
    return "[\n" + ",\n".join(items) + f"\n{pad}]"


def pretty(value: Any, width: int = 44) -> str:
    """JSON with small objects and arrays kept on one line (what fits in
    ``width``), so a column shows more of the value."""
    try:
        text = _pretty(value, width, 0)
    except (TypeError, ValueError, RecursionError):
        text = repr(value)
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + f"\n… ({len(text)} characters; y in Values copies it)"


@dataclass
class StepShown:
    """What the main screen hands the view after a stop."""

    ran: list = field(default_factory=list)  # records the last key finished, oldest first
    current: Any = None  # the record the debugger is at (or the one inspected)
    preview: Any = None  # engine.preview.Preview of ``current`` before it runs
    inspecting: bool = False
    waiting_token: str | None = None
    execution: Any = None  # for the final status and output
    stepped: Any = None  # the record the key stepped (step over/into): "Just ran", whatever else ran


def summary(records) -> str:
    """``ran 7 states: Price ×3, BigOrder? ×2, Ship ×2``."""
    counts: dict[str, int] = {}
    for r in records:
        counts[r.state] = counts.get(r.state, 0) + 1
    names = ", ".join(f"{k} ×{n}" if n > 1 else k for k, n in counts.items())
    n = len(records)
    return f"ran {n} state{'s' if n != 1 else ''}: {names}"


class StepView(ScrollView, can_focus=True):
    """Scrolls as one page; rebuilt at every stop. The page is rendered to
    lines here, once, and drawn from them (a new page of the same height
    repaints without a layout of the screen)."""

    BINDINGS = [
        Binding("up", "scroll_up", "Up", show=False, id="step.up"),
        Binding("down", "scroll_down", "Down", show=False, id="step.down"),
        Binding("pageup", "page_up", "Page up", show=False, id="step.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="step.page_down"),
        Binding("home", "scroll_home", "Top", show=False, id="step.home"),
        Binding("end", "scroll_end", "Bottom", show=False, id="step.end"),
    ]

    EMPTY = "Nothing has run yet: F11 (s) steps into the first state, F5 (c) continues."

    SIDE_BY_SIDE = 60  # columns from which Input and Output are side by side

    def _pretty(self, value: Any) -> str:
        return pretty(value, max(24, self.size.width - 3 if self.stacked else (self.size.width - 4) // 2))

    def on_resize(self) -> None:
        if self._shown is not None:
            self.show(self._shown)

    def _s(self, spec: str):
        return themed(self, spec)

    _shown: StepShown | None = None

    def show(self, shown: StepShown) -> None:
        self._shown = shown
        if not self.size.width:  # not laid out yet: the page is made at its width, on the first resize
            return
        parts: list = []
        if shown.inspecting and shown.current is not None:
            parts += self._record(shown.current, "Inspecting", shown.execution)
        else:
            cur, ex = shown.current, shown.execution
            finished = ex is not None and ex.finished
            just = shown.stepped if shown.stepped is not None else (shown.ran[-1] if shown.ran else None)
            if len(shown.ran) > 1:  # whatever the key ran, then the state it stepped in full
                parts.append(Text(f"The last key {summary(shown.ran)}", style=self._s("$foreground-muted")))
            if just is not None and (just is not cur or finished):
                parts += self._record(just, "Just ran", ex)
                why = why_here(ex, just, cur.frame) if cur is not None and not finished else ""
                if why:  # under its Input | Output, before the blank line
                    parts.insert(-1, Text(why, style=self._s("italic $warning")))
            if finished:
                parts += self._final(ex)
            elif cur is not None:
                parts += self._next(cur, shown.preview, shown.waiting_token, ex)
            elif shown.preview is not None:
                parts += self._preview_only(shown.preview)
        self._set(Group(*parts) if parts else Text(self.EMPTY, style=self._s("italic $foreground-muted")))

    _strips: list = []
    renderable = None

    def _set(self, renderable) -> None:
        console = self.app.console
        self.renderable = renderable
        # The page's width is the view's, less the vertical scrollbar when
        # the page is taller than the view: decided here from the page, not
        # from the scrollbars shown now (those of the page before, or none
        # yet at the first resize), so no page is a column too wide or narrow.
        # Rendered at the width the page before needed (usually the same), again only when wrong.
        view = self.content_region
        full = max(1, view.width)
        bar = self.styles.scrollbar_size_vertical if self.styles.overflow_y != "hidden" and full > 1 else 0
        width = full - bar if len(self._strips) > view.height else full
        lines = console.render_lines(renderable, console.options.update_width(width), pad=True)
        if bar and (len(lines) > view.height) != (width < full):
            width = full - bar if width == full else full
            lines = console.render_lines(renderable, console.options.update_width(width), pad=True)
        self._strips = [Strip(line, width) for line in lines]
        # as tall as the view while the page fits it: a new page is then a
        # repaint, not a layout of the whole screen (~30 ms)
        size = Size(width, max(len(lines), view.height))
        if size != self.virtual_size:
            self.virtual_size = size
        self.refresh()

    _base = None

    @property
    def _base_style(self):
        """``rich_style`` is costly (it walks the styles up the tree): once
        per style change, not once per line."""
        if self._base is None:
            self._base = self.rich_style
        return self._base

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._base = None

    def render_line(self, y: int) -> Strip:
        row = y + int(self.scroll_y)
        width = self.scrollable_content_region.width
        if row >= len(self._strips):
            return Strip.blank(width, self._base_style)
        return self._strips[row].crop_extend(0, width, self._base_style)

    # -- pieces -------------------------------------------------------------------
    def _heading(self, title: str, rec=None, extra: str = "", extra_style: str = "$foreground-muted") -> Text:
        t = Text()
        t.append(f"{title} ", style=self._s("bold $primary"))
        if rec is not None:
            t.append(f"#{rec.index + 1} ", style=self._s("$foreground-muted"))
            t.append(rec.state, style=self._s("bold $foreground"))
            t.append(f"  {rec.type}", style=self._s("$secondary"))
            if rec.frame:
                t.append(f"  in {rec.frame}", style=self._s("$foreground-muted"))
        if extra:
            t.append(f"  {extra}", style=self._s(extra_style))
        return t

    @property
    def stacked(self) -> bool:
        """Too narrow for two columns: the output goes under the input."""
        return self.size.width < self.SIDE_BY_SIDE

    def _pair(self, left_title: str, left: Any, right_title: str, right: Any):
        head = self._s("bold $secondary")
        if self.stacked:
            return Group(Text(left_title, style=head), self._value(left), Text(right_title, style=head),
                         self._value(right))
        t = Table.grid(expand=True, padding=(0, 1))
        # a word longer than its column (an ARN, a token) goes on over the next lines, as when stacked,
        # not cut with "…" (a table column's default)
        t.add_column(ratio=1, overflow="fold")
        t.add_column(ratio=1, overflow="fold")
        t.add_row(Text(left_title, style=head), Text(right_title, style=head))
        t.add_row(self._value(left), self._value(right))
        return t

    def _value(self, value: Any):
        if isinstance(value, Text):
            return value
        if value is MISSING:
            return Text("— not reached", style=self._s("italic $foreground-muted"))
        return Text(self._pretty(value), style=self._s("$foreground"))

    def _input(self, rec) -> Any:
        return rec.input if rec.input is not MISSING else rec.raw_input

    def _record(self, rec, title: str, ex=None) -> list:
        status = rec.status
        style = {"succeeded": "$success", "failed": "$error", "caught": "$secondary", "waiting": "$warning",
                 "running": "$accent"}.get(status, "$foreground-muted")
        extra = outcome(ex, rec) if ex is not None else status + (f" → {rec.next}" if rec.next else "")
        right_title, right = "Output", rec.output if rec.output is not MISSING else rec.result
        if rec.error and rec.status == "failed":
            right_title, right = "Error", Text(f"{rec.error.get('Code')}: {rec.error.get('Detail', '')}",
                                               style=self._s("$error"))
        elif rec.catch:
            err = rec.catch.get("error") or {}
            if ex is None:
                extra += f" (caught {err.get('Code')})"
            right_title, right = "Output (from the Catch rule)", right
        elif right is MISSING and rec.retries:
            r = rec.retries[-1].get("error") or {}
            right_title, right = "Error (retried)", Text(f"{r.get('Code')}: {r.get('Detail', '')}",
                                                         style=self._s("$warning"))
        return [self._heading(title, rec, extra, style), self._pair("Input", self._input(rec), right_title, right),
                Text("")]

    def _next(self, rec, preview, token, ex=None) -> list:
        if rec.status == "waiting":
            sent = rec.parameters
            note = Text()
            state = waiting_for(ex, rec) if ex is not None else "waiting"
            if state.startswith("answered"):
                note.append(f"✓ {state}\n", style=self._s("bold $success"))
            elif token:
                note.append("✉ waiting for ReportTaskSucceeded / ReportTaskFailed — k answers\n",
                            style=self._s("bold $warning"))
                note.append(f"token {token}\n", style=self._s("$foreground-muted"))
            if sent is not MISSING:
                note.append("sent:\n", style=self._s("$foreground-muted"))
                note.append(self._pretty(sent), style=self._s("$foreground"))
            return [self._heading("Now", rec, state or "waiting", "$warning"),
                    self._pair("Input", self._input(rec), "Waiting", note), Text("")]
        if preview is None:
            return [self._heading("Now", rec, rec.status), self._pair("Input", self._input(rec), "Output",
                                                                          rec.output), Text("")]
        return self._preview(rec, preview)

    def _preview_only(self, p) -> list:
        head = Text()
        head.append("Next ", style=self._s("bold $primary"))
        head.append(p.state, style=self._s("bold $foreground"))
        head.append(f"  {p.type}", style=self._s("$secondary"))
        return [head, *self._preview_pair(p), Text("")]

    def _preview(self, rec, p) -> list:
        extra = f"will go to {p.next}" if p.next else ""
        return [self._heading("Next", rec, extra), *self._preview_pair(p), Text("")]

    def _preview_pair(self, p) -> list:
        mapped = "inputMappings" if p.type in LEGACY_KIND else "InputConstructor"
        left_title = f"Input (after {mapped})" if p.input is not MISSING and p.input != p.raw_input else "Input"
        left = p.input if p.input is not MISSING else p.raw_input
        return [self._pair(left_title, left, "Will do", self._will_do(p))]

    def _will_do(self, p) -> Text:
        t = Text()
        s = self._s
        muted, value = s("$foreground-muted"), s("$foreground")
        legacy = p.type in LEGACY_KIND
        kind = LEGACY_KIND.get(p.type, p.type)
        if kind == "Task":
            if p.function:
                t.append(f"calls {p.function}\n", style=s("bold $foreground"))
            if p.parameters is not MISSING:
                t.append("sends:\n" if legacy else "sends Parameters:\n", style=muted)
                t.append(self._pretty(p.parameters) + "\n", style=value)
            if p.token:
                t.append(f"{'$context.task.token' if legacy else '$Context.Current.TaskToken'} = {p.token}\n",
                         style=muted)
        elif kind == "Choice":
            for c in p.choice:
                label = "D" if c["index"] is None else str(c["index"] + 1)
                if "error" in c:
                    t.append(f"{label} {c['condition']} → error\n", style=s("$error"))
                    continue
                hit = bool(c.get("value"))
                t.append(f"{label} {c['condition']} → {json.dumps(c.get('value'))}",
                         style=s("bold $success") if hit else muted)
                t.append(f"  ⇒ {c['next']}\n" if hit else "\n", style=s("bold $success"))
        elif kind == "Wait":
            if p.seconds is not None:
                t.append(f"waits {p.seconds} s (virtual), until {p.until:g} s\n", style=value)
        elif kind == "Map":
            if p.items == 0:  # CloudFlow runs none and the Map's output is []
                t.append("no items: no iteration runs, its output is []\n", style=value)
            elif p.items is not None:
                t.append(f"{p.items} iteration{'s' if p.items != 1 else ''}; the first inputs:\n", style=value)
                t.append(self._pretty(p.item_inputs[:5]) + "\n", style=value)
        elif kind == "Parallel":
            t.append(f"{p.branches} branches, each gets the input\n", style=value)
        elif kind == "Fail":
            pass
        elif p.output is not MISSING:
            t.append("Output:\n", style=muted)
            t.append(self._pretty(p.output) + "\n", style=value)
        if p.error is not None:
            where = f" in {p.stage}" if p.stage else ""
            t.append(f"✗ fails{where}: {p.error['Code']}", style=s("bold $error"))
            if p.error.get("Detail"):
                t.append(f": {p.error['Detail']}", style=s("$error"))
            t.append("\n")
        for n in p.notes:
            t.append(f"{n}\n", style=s("italic $foreground-muted"))
        t.rstrip()
        return t

    def _final(self, ex) -> list:
        head = Text()
        ok = ex.status == "Succeeded"
        head.append(f"Execution {ex.status.lower()}", style=self._s("bold $success" if ok else "bold $error"))
        if ok:
            return [head, Text(self._pretty(ex.output), style=self._s("$foreground"))]
        err = ex.error
        if err is not None:
            head.append(f"  {err.code}" + (f": {err.detail}" if err.detail else ""), style=self._s("$error"))
        return [head]
