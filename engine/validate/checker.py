"""The checker's primitives: report a diagnostic, check one field's type and
range, the fields a mapping may have, an expression, a constructor.

:class:`Checker` holds the diagnostics found so far; the FDL walk
(:mod:`.walk`) and the legacy validator build on it.
"""
from __future__ import annotations

import re

from .. import schema as S
from ..diagnostics import ERROR, IGNORED, WARNING, Diagnostic
from ..expressions import ExpressionSyntaxError, compile_expression
from ..flow_slips import slip_note, slipped_key
from ..nodes import Map, Node, Scalar, Seq
from .words import BOOL_WORDS, SLASH_COMMENT, bool_hint, suggest, type_name

#: Every field name FDL has: such a key is never a slip of another one.
ALL_FIELDS = frozenset().union(*S.FIELDS.values(), S.TOP_FIELDS, S.SCOPE_FIELDS, S.RETRY_FIELDS, S.CATCH_FIELDS,
                               S.CHOICE_BRANCH_FIELDS)

_ASCII_DIGITS = re.compile(r"[0-9]+")
_HUGE = 10 ** 30  # a numeric string too long to be any field's value: out of range
_ROOT_LITERAL = re.compile(r"^\$(Input|Output|Context|Item)\b")
#: the roots an expression cannot read in a constructor checked as this context (see Checker.expression)
_OUTPUT_AND_ITEM = frozenset({"$Output", "$Item"})
_UNAVAILABLE = {"OutputConstructor": frozenset({"$Item"}), "ItemConstructor": frozenset({"$Output"})}


class Checker:
    def __init__(self, express: bool = False, text: str = "") -> None:
        self.diags: list[Diagnostic] = []
        self.express = express
        self.text = text
        #: no '//' in the source, so no value holds one (YAML folds a line break to a space, never to
        #: nothing): the per-mapping search for '//' comments is skipped
        self._no_slashes = bool(text) and "//" not in text
        #: the field whose expressions are being checked (InputConstructor, Parameters,
        #: ItemConstructor, Condition, ...): it decides which roots ($Output, $Item) exist
        self.context = ""

    # -- reporting -------------------------------------------------------
    def err(self, node: Node, code: str, message: str, hint: str = "") -> None:
        self.diags.append(Diagnostic(ERROR, code, node.line, node.col, message, hint))

    def warn(self, node: Node, code: str, message: str, hint: str = "") -> None:
        self.diags.append(Diagnostic(WARNING, code, node.line, node.col, message, hint))

    def missing(self, m: Map, key: str, message: str, hint: str = "", node: Node | None = None,
                code: str = "missing-field") -> Scalar | None:
        """Report ``key`` missing from ``m``. When a key of ``m`` is a slip of it
        (``invocationtype``, ``next``), the error stands on that key and says
        so, in place of the unknown-field warning it had; returns that key."""
        k = slipped_key(m, key, ALL_FIELDS)
        if k is None:
            self.err(node or m, code, message, hint)
            return None
        self.diags = [d for d in self.diags if not (d.code == "unknown-field" and (d.line, d.col) == (k.line, k.col))]
        self.err(k, code, message + slip_note(k, key), f"rename {k.value!r} to {key!r}")
        return k

    # -- fields ----------------------------------------------------------
    def string(self, m: Map, key: str, required: bool = False, where: str = "") -> str | None:
        node = m._index.get(key)
        if type(node) is Scalar and type(node.value) is str:  # what almost every field is
            return node.value
        if node is None:
            if required:
                self.missing(m, key, f"{where}missing required field '{key}'")
            return None
        if not isinstance(node, Scalar) or not isinstance(node.value, str):
            if isinstance(node, Scalar) and node.value is None and key == "Description":
                return None
            self.err(node, "wrong-type", f"{where}'{key}' must be a string, got {type_name(node)}",
                     bool_hint(key, node))
            return None
        return node.value

    def integer(self, m: Map, key: str, lo: int | None = None, hi: int | None = None, where: str = "",
                allow_numeric_string: bool = False) -> int | None:
        node = m.get(key)
        if node is None:
            return None
        v = node.value if isinstance(node, Scalar) else None
        if allow_numeric_string and isinstance(v, str) and _ASCII_DIGITS.fullmatch(v.strip()):
            v = int(v.strip()) if len(v.strip()) <= 30 else _HUGE  # "²".isdigit() is true; int("²") fails
        if isinstance(v, bool) or not isinstance(v, int):
            hint = ""
            if isinstance(v, str) and SLASH_COMMENT.search(v):
                hint = "'//' does not start a comment in YAML; use '#'"
            self.err(node, "wrong-type", f"{where}'{key}' must be an integer, got {type_name(node)}", hint)
            return None
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            bounds = (f"between {lo} and {hi}" if lo is not None and hi is not None
                      else f"at least {lo}" if lo is not None else f"at most {hi}")
            self.err(node, "out-of-range", f"{where}'{key}' is {v}; it must be {bounds}")
        return v

    def number(self, m: Map, key: str, lo: float | None = None, where: str = "") -> float | None:
        node = m.get(key)
        if node is None:
            return None
        v = node.value if isinstance(node, Scalar) else None
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            self.err(node, "wrong-type", f"{where}'{key}' must be a number, got {type_name(node)}")
            return None
        if v != v or v in (float("inf"), float("-inf")):
            self.err(node, "out-of-range", f"{where}'{key}' must be a finite number")
            return None
        if lo is not None and v < lo:
            self.err(node, "out-of-range", f"{where}'{key}' is {v}; it must be at least {lo}")
        return v

    def boolean(self, m: Map, key: str, where: str = "") -> bool | None:
        node = m.get(key)
        if node is None:
            return None
        if not isinstance(node, Scalar) or not isinstance(node.value, bool):
            self.err(node, "wrong-type", f"{where}'{key}' must be true or false, got {type_name(node)}")
            return None
        return node.value

    def fields(self, m: Map, allowed: set[str], where: str) -> None:
        if m._index.keys() <= allowed:  # every key is a field: nothing to say (the index has each key once)
            return
        for k, _ in m.items:
            name = k.value
            if name in allowed:
                continue
            if name in S.FIELD_ALIASES and S.FIELD_ALIASES[name] in allowed:
                self.warn(k, "misspelled-field", f"{where}'{name}' is a misspelling in Alibaba's docs; read as "
                          f"'{S.FIELD_ALIASES[name]}'", f"write '{S.FIELD_ALIASES[name]}'")
                continue
            if name in ("True", "False") and not k.quoted:  # the loader's str() of a YAML boolean key
                self.warn(k, "unknown-field", f"{where}unknown field {name.lower()}{IGNORED}",
                          f"{BOOL_WORDS}: quote the key if it is a name")
                continue
            guess = suggest(name, allowed)
            self.warn(k, "unknown-field", f"{where}unknown field '{name}'{IGNORED}",
                      f"did you mean '{guess}'?" if guess else "")

    def slash_comments(self, m: Map) -> None:
        """A plain value with `` // `` in it: the author meant a comment."""
        if self._no_slashes:
            return
        for k, v in m.items:
            if k.value == "Description":  # free text: 'a // b' may be meant
                continue
            if isinstance(v, Scalar) and isinstance(v.value, str) and not v.quoted:
                hit = SLASH_COMMENT.search(v.value)
                if hit and not v.value.lstrip().startswith("$"):
                    self.err(v, "slash-comment",
                             f"'{v.value[hit.start():].strip()}' is part of the value of '{k.value}' ({v.value!r}); "
                             "'//' does not start a comment in YAML", "use '#' for comments")

    # -- expressions -----------------------------------------------------
    def expression(self, node: Node, field: str, where: str, condition: bool = False):
        if not isinstance(node, Scalar) or not isinstance(node.value, str):
            if condition:
                hint = "a Condition is an expression string such as $Input.ok == true"
                if isinstance(node, Scalar) and isinstance(node.value, bool):
                    hint += f"; for a constant, quote it: Condition: \"{'true' if node.value else 'false'}\""
            elif field.endswith(".$"):
                hint = "a key ending in '.$' takes an expression such as $Input.x; drop the '.$' for a literal"
            else:
                hint = f"{field} is an expression string such as $Input.items"
            self.err(node, "not-an-expression", f"{where}{field} must be an expression string, got {type_name(node)}",
                     hint)
            return None
        text = node.value
        try:
            expr = compile_expression(text)
        except ExpressionSyntaxError as e:
            col = node.col + (e.col or 1) - 1 + (1 if node.quoted else 0)
            self.diags.append(Diagnostic(ERROR, e.code, node.line, col, f"{where}{field}: {e.message}",
                                         getattr(e, "hint", "") or ""))
            return None
        for root in expr.roots:
            if root == "$Output" and self.context != "OutputConstructor":
                where_ok = ("a state's OutputConstructor (a Catch's OutputConstructor has $Input and "
                            "$Context.Current.Error)" if self.context == "Catch.OutputConstructor" else "OutputConstructor")
                self.err(node, "unavailable-root", f"{where}{field}: $Output is only available in {where_ok}")
            if root == "$Item" and self.context != "ItemConstructor":
                self.err(node, "unavailable-root", f"{where}{field}: $Item is only available in a Map's ItemConstructor")
        return expr

    def template(self, node: Node, field: str, where: str, path: str = "") -> list:
        """Validate a constructor (key.$ templates at any depth); returns
        the compiled expressions found (for TaskToken checks)."""
        found = []
        if isinstance(node, Map):
            unavailable = _UNAVAILABLE.get(self.context, _OUTPUT_AND_ITEM)
            for k, v in node.items:
                key = str(k.value)
                sub = f"{path}.{key}" if path else key
                if key.endswith(".$"):
                    e = self._valid_expression(v, unavailable)
                    if e is None:  # something to report (or a non-string): the full check says what
                        e = self.expression(v, f"{field}.{sub}", where)
                    if e is not None:
                        found.append(e)
                else:
                    if type(v) is not Scalar:
                        found += self.template(v, field, where, sub)
                    if isinstance(v, Scalar) and isinstance(v.value, str) and v.value.startswith("$") and \
                            _ROOT_LITERAL.match(v.value):
                        self.warn(v, "literal-expression",
                                  f"{where}{field}.{sub} is the literal string {v.value!r}, not an expression",
                                  f"write '{key}.$: {v.value}' to evaluate it")
        elif isinstance(node, Seq):
            for i, item in enumerate(node.items):
                found += self.template(item, field, where, f"{path}[{i}]")
        return found

    @staticmethod
    def _valid_expression(node: Node, unavailable: frozenset):
        """The compiled expression of a string that compiles and reads no root
        ``unavailable`` here; None when :meth:`expression` has something to report."""
        if type(node) is not Scalar or type(node.value) is not str:
            return None
        try:
            e = compile_expression(node.value)
        except ExpressionSyntaxError:
            return None
        return e if e.roots.isdisjoint(unavailable) else None

    def constructor(self, m: Map, key: str, where: str, ctx: str | None = None) -> None:
        node = m._index.get(key)
        if node is None:
            return
        if not isinstance(node, Map):
            self.err(node, "wrong-type", f"{where}'{key}' must be an object, got {type_name(node)}")
            return
        self.context = ctx or key
        self.template(node, key, where)
