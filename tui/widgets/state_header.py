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
        parts += [("\n", ""), ("in " + (scope.rstrip("/") or "the top level"), "$text-muted")]
        if outcome and visits:
            parts += [("  ·  ", "$text-muted"), (f"{outcome} ×{visits}", f"${THEME_VARIABLE[outcome]}")]
        elif outcome:
            parts += [("  ·  not run yet", "$text-muted")]
        if isinstance(state, ChoiceState):
            for line in condition_lines(state):
                n, _, rest = line.partition(" ")
                parts += [("\n", ""), (f" {n} ", "bold $accent"), (rest, "$text")]
        rules = _rules(state)
        if rules:
            parts += [("\n", ""), ("  ·  ".join(rules), "$text-muted")]
        self._set(Content.assemble(*parts))

    def _set(self, content) -> None:
        """Update; a layout (costly: the whole screen) only when the height changes."""
        width = self.content_region.width or self.app.size.width
        lines = len(content.wrap(max(1, width)))
        same = lines == getattr(self, "_lines", None)
        self._lines = lines
        self.update(content, layout=not same)
