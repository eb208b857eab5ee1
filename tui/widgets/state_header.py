"""The selected state in full, above the data: name, type, scope, what it
does and, for a Choice, every condition with where it leads."""
from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from ..run_overlay import THEME_VARIABLE
from ..state_text import condition_lines, function_name
from flowdbg.engine.model import ChoiceState, MapState, ParallelState, TaskState, WaitState


def _rules(state) -> list[str]:
    out = []
    for r in getattr(state, "retry", ()):
        out.append(f"Retry {', '.join(r.errors)} ×{r.max_attempts} every {r.interval:g} s")
    for c in getattr(state, "catch", ()):
        out.append(f"Catch {', '.join(c.errors)} → {c.next}")
    return out


def what(state) -> str:
    """One line: what the state type does, in the definition's terms."""
    if isinstance(state, TaskState):
        fn = function_name(state) if state.action == "FC:InvokeFunction" else ""
        parts = [state.action + (f" {fn}" if fn else ""), state.task_mode]
        if state.timeout:
            parts.append(f"Timeout {state.timeout} s")
        return " · ".join(parts)
    if isinstance(state, WaitState):
        return f"Seconds {state.seconds}" if state.seconds is not None else f"Seconds.$ {state.seconds_expr.text}"
    if isinstance(state, MapState):
        extra = f" · MaxConcurrency {state.max_concurrency}" if state.max_concurrency else ""
        return f"ItemsPath {state.items_path.text}{extra}"
    if isinstance(state, ParallelState):
        return f"{len(state.branches)} branches"
    nxt = getattr(state, "next", None)
    return f"Next {nxt}" if nxt else ""


def _fit(logical: list, width: int, most: int) -> list:
    """At most ``most`` rows of ``width``: each line gets one row, the
    spare rows go to the first lines' wrapping; a line short of rows ends
    in … (more lines than rows: the last row says how many are left)."""
    if len(logical) > most:
        left = len(logical) - most + 1
        logical = logical[:most - 1] + [Content.styled(f"… {left} more (Record view: v)", "italic $text-muted")]
    spare = most - len(logical)
    rows: list = []
    for ln in logical:
        wrapped = ln.wrap(width)
        k = min(len(wrapped), 1 + spare)
        spare -= k - 1
        if k < len(wrapped):  # the rest of it, cut: wrapped rows k.. joined onto row k
            tail = Content(" ").join(wrapped[k - 1:])
            wrapped = wrapped[:k - 1] + [tail.truncate(width, ellipsis=True)]
        rows += wrapped[:k]
    return rows


class StateHeader(Static):
    """Shows :meth:`show`'s state; wraps rather than cuts."""

    _last = None

    def show(self, state, scope: str = "", outcome: str | None = None, visits: int = 0) -> None:
        if (state, scope, outcome, visits) == self._last:
            return  # an update costs a layout (the header is as tall as its text)
        self._last = (state, scope, outcome, visits)
        if state is None:
            self._set(Content.styled("Move the graph cursor to a state to see it here", "italic $text-muted"))
            return
        parts: list = [(state.name, "bold $text"), ("  ", ""), (state.type, "bold $primary")]
        w = what(state)
        if w:
            parts += [(" · " + w, "$text-muted")]
        parts += [("\n", "")]
        # what the run did here first: on a small terminal the line's end (the scope) is what is cut
        if outcome == "next":  # the stop is before it: what ran here before, if anything
            before = f" (ran ×{visits - 1} before)" if visits > 1 else ""
            parts += [(f"next: not run yet{before}  ·  ", "$text-muted")]
        elif outcome and visits:
            said = {"callback": "✉ waiting for a callback", "waiting": "⧗ waiting for a timer"}.get(outcome, outcome)
            parts += [(f"{said} ×{visits}", f"${THEME_VARIABLE[outcome]}"), ("  ·  ", "$text-muted")]
        elif outcome:
            parts += [("not run yet  ·  ", "$text-muted")]
        parts += [("in " + (scope.rstrip("/") or "the top level"), "$text-muted")]
        if isinstance(state, ChoiceState):
            for line in condition_lines(state):
                n, _, rest = line.partition(" ")
                parts += [("\n", ""), (f" {n} ", "bold $accent"), (rest, "$text")]
        rules = _rules(state)
        if rules:
            parts += [("\n", ""), ("  ·  ".join(rules), "$text-muted")]
        self._set(Content.assemble(*parts))

    def on_resize(self) -> None:
        if self._content is not None:
            self._set(self._content)

    _content = None

    def _set(self, content) -> None:
        """Update; a layout (costly: the whole screen) only when the height
        changes. When the wrapped text is taller than the header may be
        (a small terminal), each line is cut with … instead: every line
        keeps its start rather than the last ones being chopped off."""
        self._content = content
        width = max(1, self.content_region.width or self.app.size.width)
        lines = len(content.wrap(width))
        most = self.styles.max_height
        most = int(most.value) if most is not None and most.is_cells else None
        if most and lines > most:
            content = Content("\n").join(_fit(content.split("\n", allow_blank=True), width, most))
            lines = len(content.split("\n", allow_blank=True))
        same = lines == getattr(self, "_lines", None)
        self._lines = lines
        self.update(content, layout=not same)
