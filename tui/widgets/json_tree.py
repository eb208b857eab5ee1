"""A JSON value as a foldable tree; ``y`` copies the highlighted value."""
from __future__ import annotations

import json
from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.widgets import Tree
from textual.widgets.tree import TreeNode
from ..theme_style import th

_EMPTY = object()
CHILD_LIMIT = 500  # children shown per node; the rest is summarised


def scalar_text(value: Any) -> Text:
    if isinstance(value, str):
        return Text(json.dumps(value, ensure_ascii=False), style=th("$success"))
    if isinstance(value, bool) or value is None:
        return Text(json.dumps(value), style=th("$secondary"))
    if isinstance(value, (int, float)):
        return Text(json.dumps(value), style=th("$accent"))
    return Text(repr(value), style=th("$error"))


def _label(key: str | None, value: Any) -> Text:
    t = Text()
    if key is not None:
        t.append(key, style=th("bold $primary"))
        t.append(": ")
    if isinstance(value, dict):
        t.append(f"{{{len(value)}}}", style=th("$foreground-muted"))
    elif isinstance(value, list):
        t.append(f"[{len(value)}]", style=th("$foreground-muted"))
    else:
        t.append_text(scalar_text(value))
    return t


class JsonTree(Tree):
    """Shows one JSON value. Objects and arrays fold; children are built
    when a node is first expanded, so big values stay cheap. Expanded paths
    survive :meth:`show` so stepping keeps the view steady."""

    BINDINGS = [
        Binding("y", "copy", "Copy value", id="json.copy", tooltip="Copy the highlighted value as JSON"),
        # not "e": that key exports the history everywhere on the main screen
        Binding("asterisk", "expand_all", "Expand all", key_display="*", show=False, id="json.expand",
                tooltip="Expand everything below the highlighted node (Space/Enter fold one)"),
    ]

    def __init__(self, label: str, *, id: str | None = None, classes: str | None = None):
        super().__init__(label, id=id, classes=classes)
        self.show_root = True
        self.guide_depth = 3
        self._value: Any = _EMPTY
        self._expanded: set = {()}

    def show(self, value: Any = _EMPTY, empty: str = "(none)", title: str | None = None) -> None:
        """Display ``value`` (or the ``empty`` note when there is none);
        ``title`` labels the root."""
        if self._value is not _EMPTY or value is not _EMPTY:
            self._expanded |= self._collect_expanded()
        self._value = value
        self.clear()
        root = self.root
        if value is _EMPTY:
            root.set_label(Text(empty, style=th("italic $foreground-muted")))
            root.data = None
            root.allow_expand = False
            return
        root.set_label(Text(title, style="bold") if title else _label(None, value))
        root.data = ((), value)
        root.allow_expand = isinstance(value, (dict, list)) and bool(value)
        self._fill(root)
        root.expand()

    def _collect_expanded(self) -> set:
        out = set()
        stack = [self.root]
        while stack:
            node = stack.pop()
            if node.is_expanded and node.data is not None:
                out.add(node.data[0])
            stack.extend(node.children)
        return out

    def _fill(self, node: TreeNode) -> None:
        path, value = node.data
        if node.children or not isinstance(value, (dict, list)):
            return
        items = list(value.items()) if isinstance(value, dict) else [(f"{i}", v) for i, v in enumerate(value)]
        for key, v in items[:CHILD_LIMIT]:
            child_path = path + (key,)
            if isinstance(v, (dict, list)) and v:
                child = node.add(_label(key, v), data=(child_path, v))
                if child_path in self._expanded:
                    self._fill(child)
                    child.expand()
            else:
                node.add_leaf(_label(key, v), data=(child_path, v))
        if len(items) > CHILD_LIMIT:
            node.add_leaf(Text(f"… {len(items) - CHILD_LIMIT} more (copy the parent with y)", style=th("italic $foreground-muted")))

    def on_tree_node_expanded(self, event: Tree.NodeExpanded) -> None:
        if event.node.tree is self and event.node.data is not None:
            self._expanded.add(event.node.data[0])
            self._fill(event.node)

    def on_tree_node_collapsed(self, event: Tree.NodeCollapsed) -> None:
        if event.node.data is not None:
            self._expanded.discard(event.node.data[0])

    def selected_json(self) -> str | None:
        node = self.cursor_node
        if node is None or node.data is None:
            return None
        return json.dumps(node.data[1], ensure_ascii=False, indent=2)

    def action_copy(self) -> None:
        text = self.selected_json()
        if text is None:
            self.notify("Nothing to copy here", severity="warning")
            return
        self.app.copy_to_clipboard(text)
        path = ".".join(self.cursor_node.data[0]) or "the whole value"
        self.notify(f"Copied {path} ({len(text)} characters)")

    def action_expand_all(self) -> None:
        node = self.cursor_node or self.root

        def rec(n: TreeNode, depth: int) -> None:
            if depth > 6:
                return
            if n.data is not None:
                self._fill(n)
                n.expand()
            for c in n.children:
                rec(c, depth + 1)
        rec(node, 0)
