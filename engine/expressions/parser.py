"""Pratt parser: tokens -> frozen AST (never Python eval).

Precedence, lowest first: ``||`` < ``&&`` < comparisons and ``in`` (non-associative)
< prefix ``!`` / ``-``. Raises ExpressionSyntaxError with the 1-based column.
"""
from __future__ import annotations

import difflib

from . import ast
from .errors import BAD_ARITY, SYNTAX, UNKNOWN_FUNCTION, ExpressionSyntaxError
from .functions import FUNCTION_NAMES, lookup, placeholder_error, split_template
from .lexer import Token, tokenize

COMPARISONS = frozenset({"==", "!=", "<", "<=", ">", ">=", "in"})
_BINDING = {"||": 10, "&&": 20, **{op: 30 for op in COMPARISONS}}
_PREFIX = 40
MAX_NESTING = 64       # parentheses, literals and prefix operators inside each other
MAX_HEIGHT = 100       # height of the finished tree (long && chains count too)
MAX_CALL_DEPTH = 10    # documented limit on nested built-in calls
_WORD_HINTS = {"and": "use '&&'", "or": "use '||'", "not": "use '!'",
               "True": "did you mean 'true'?", "False": "did you mean 'false'?",
               "None": "did you mean 'null'?", "nil": "did you mean 'null'?"}


def _show(tok: Token) -> str:
    return "the end" if tok.kind == "end" else f"'{tok.text}'"


def _binary(tok: Token) -> str | None:
    if tok.kind == "op" and tok.value in _BINDING:
        return tok.value
    if tok.kind == "name" and tok.value == "in":
        return "in"
    return None


class Parser:
    """One-shot parser over ``tokenize(text)``; call :meth:`parse` once."""

    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.pos = 0
        self.nesting = 0
        self.calls = 0

    def peek(self) -> Token:
        return self.tokens[self.pos]

    def advance(self) -> Token:
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def parse(self) -> ast.Node:
        if self.peek().kind == "end":
            raise ExpressionSyntaxError("empty expression", 1)
        node = self.expression(0, None)
        tok = self.peek()
        if tok.kind != "end":
            if tok.kind == "op" and tok.value in ")]}":
                raise ExpressionSyntaxError(f"unmatched '{tok.value}'", tok.col)
            raise ExpressionSyntaxError(f"unexpected {_show(tok)} after a complete expression",
                                        tok.col, hint=_WORD_HINTS.get(tok.text, "missing operator?"))
        if _height(node) > MAX_HEIGHT:
            raise ExpressionSyntaxError(f"expression is nested too deeply (more than {MAX_HEIGHT} levels)", 1)
        return node

    def expression(self, rbp: int, after: Token | None) -> ast.Node:
        left = self.operand(after)
        while True:
            tok = self.peek()
            op = _binary(tok)
            if op is None or _BINDING[op] <= rbp:
                return left
            self.advance()
            right = self.expression(_BINDING[op], tok)
            left = ast.Binary(op, left, right, tok.col)
            if op in COMPARISONS and _binary(self.peek()) in COMPARISONS:
                nxt = self.peek()
                raise ExpressionSyntaxError(
                    f"comparison operators cannot be chained ('{op}' then '{nxt.text}')",
                    nxt.col, hint="use parentheses and && to combine comparisons")

    def operand(self, after: Token | None) -> ast.Node:
        tok = self.advance()
        self.nesting += 1
        if self.nesting > MAX_NESTING:
            raise ExpressionSyntaxError(f"expression is nested too deeply (more than {MAX_NESTING} levels)", tok.col)
        try:
            return self._operand(tok, after)
        finally:
            self.nesting -= 1

    def _missing(self, tok: Token, after: Token | None) -> ExpressionSyntaxError:
        if after is None:
            return ExpressionSyntaxError(f"expected an operand, found {_show(tok)}", tok.col)
        if tok.kind == "end":
            return ExpressionSyntaxError(f"expected an operand after '{after.text}'", after.col)
        return ExpressionSyntaxError(f"expected an operand after '{after.text}', found {_show(tok)}", tok.col)

    def _operand(self, tok: Token, after: Token | None) -> ast.Node:
        kind, value = tok.kind, tok.value
        if kind in ("num", "str"):
            return ast.Literal(value, tok.col)
        if kind == "path":
            return ast.PathRef(value, tok.col)
        if kind == "name":
            if value in ("true", "false", "null"):
                return ast.Literal({"true": True, "false": False, "null": None}[value], tok.col)
            if self.peek().kind == "op" and self.peek().value == "(":
                return self.call(tok)
            if value == "in":
                raise self._missing(tok, after)
            raise self._unknown_name(tok)
        if kind == "op":
            if value == "(":
                inner = self.expression(0, tok)
                self.expect(")", tok, "'('")
                return inner
            if value in ("!", "-"):
                operand = self.expression(_PREFIX, tok)
                if value == "-" and isinstance(operand, ast.Literal) and type(operand.value) in (int, float):
                    return ast.Literal(-operand.value, tok.col)
                return ast.Unary(value, operand, tok.col)
            if value == "[":
                return ast.ArrayLiteral(tuple(self.items("]", tok, self._item, "the array")), tok.col)
            if value == "{":
                entries = self.items("}", tok, self._entry, "the object")
                seen: set[str] = set()
                for (key, _), key_col in entries:
                    if key in seen:
                        raise ExpressionSyntaxError(f"duplicate key '{key}' in object literal", key_col)
                    seen.add(key)
                return ast.ObjectLiteral(tuple(e for e, _ in entries), tok.col)
        raise self._missing(tok, after)

    def expect(self, closer: str, opener: Token, what: str) -> Token:
        tok = self.advance()
        if tok.kind == "op" and tok.value == closer:
            return tok
        if tok.kind == "end":
            raise ExpressionSyntaxError(f"missing '{closer}' to close {what}", opener.col)
        raise ExpressionSyntaxError(f"expected '{closer}' to close {what}, found {_show(tok)}",
                                    tok.col, hint=_WORD_HINTS.get(tok.text))

    def items(self, closer: str, opener: Token, parse_one, where: str) -> list:
        """Comma-separated items up to *closer* (no trailing comma); *where* names the
        construct in messages, e.g. "the array" or "the call to 'format'"."""
        out: list = []
        if self.peek().kind == "op" and self.peek().value == closer:
            self.advance()
            return out
        after = opener
        while True:
            out.append(parse_one(after))
            tok = self.advance()
            if tok.kind == "op" and tok.value == ",":
                after = tok
                continue
            if tok.kind == "op" and tok.value == closer:
                return out
            if tok.kind == "end":
                raise ExpressionSyntaxError(f"missing '{closer}' to close {where}", opener.col)
            raise ExpressionSyntaxError(f"expected ',' or '{closer}' in {where}, found {_show(tok)}",
                                        tok.col, hint=_WORD_HINTS.get(tok.text))

    def _item(self, after: Token) -> ast.Node:
        return self.expression(0, after)

    def _entry(self, after: Token):
        key = self.advance()
        if key.kind != "str":
            if key.kind == "end" or (key.kind == "op" and key.value in ",}"):
                raise self._missing(key, after)
            hint = f"write \"{key.text}\"" if key.kind == "name" else None
            raise ExpressionSyntaxError(f"object keys must be quoted strings, found {_show(key)}", key.col, hint=hint)
        colon = self.advance()
        if not (colon.kind == "op" and colon.value == ":"):
            raise ExpressionSyntaxError(f"expected ':' after object key, found {_show(colon)}", colon.col)
        return (key.value, self.expression(0, colon)), key.col

    def call(self, name: Token) -> ast.Node:
        builtin = lookup(name.value)
        if builtin is None:
            lowered = {n.lower(): n for n in FUNCTION_NAMES}
            guess = lowered.get(name.value.lower()) or next(
                iter(difflib.get_close_matches(name.value, sorted(FUNCTION_NAMES), 1, 0.6)), None)
            raise ExpressionSyntaxError(f"unknown function '{name.value}'", name.col, UNKNOWN_FUNCTION,
                                        f"did you mean '{guess}'?" if guess else None)
        self.calls += 1
        if self.calls > MAX_CALL_DEPTH:
            raise ExpressionSyntaxError(f"too many nested function calls (at most {MAX_CALL_DEPTH})", name.col)
        opener = self.advance()
        args = tuple(self.items(")", opener, self._item, f"the call to '{name.value}'"))
        self.calls -= 1
        count = len(args)
        low, high = builtin.min_args, builtin.max_args
        if count < low or (high is not None and count > high):
            raise ExpressionSyntaxError(f"{name.value}: expects {builtin.arity_text()}, got {count}",
                                        name.col, BAD_ARITY, f"signature: {builtin.signature}")
        if builtin.name == "format" and isinstance(args[0], ast.Literal) and isinstance(args[0].value, str):
            holes = len(split_template(args[0].value)) - 1
            if holes != count - 1:
                raise ExpressionSyntaxError(placeholder_error(name.value, holes, count - 1), name.col, BAD_ARITY,
                                            "write '{{' and '}}' for literal braces")
        return ast.Call(builtin.name, args, name.col, name.value)

    def _unknown_name(self, tok: Token) -> ExpressionSyntaxError:
        if lookup(tok.value):
            return ExpressionSyntaxError(f"'{tok.value}' is a function; call it as {tok.value}(...)", tok.col)
        hint = _WORD_HINTS.get(tok.value,
                               "paths start with $Input, $Output, $Context or $Item; strings need quotes")
        return ExpressionSyntaxError(f"unknown name '{tok.value}'", tok.col, SYNTAX, hint)


def _height(root: ast.Node) -> int:
    """Height of the tree, computed without recursion."""
    best, stack = 0, [(root, 1)]
    while stack:
        node, depth = stack.pop()
        best = max(best, depth)
        children: tuple = ()
        if isinstance(node, (ast.ArrayLiteral, ast.Call)):
            children = node.items if isinstance(node, ast.ArrayLiteral) else node.args
        elif isinstance(node, ast.ObjectLiteral):
            children = tuple(v for _, v in node.entries)
        elif isinstance(node, ast.Unary):
            children = (node.operand,)
        elif isinstance(node, ast.Binary):
            children = (node.left, node.right)
        stack.extend((child, depth + 1) for child in children)
    return best


def parse(text: str) -> ast.Node:
    """Parse *text* into an AST. Raises ExpressionSyntaxError."""
    return Parser(text).parse()
