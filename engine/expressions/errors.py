"""Errors raised by the expression language.

Every failure of :func:`compile_expression` is an :class:`ExpressionSyntaxError`;
every failure of ``Expression.evaluate`` is an :class:`ExpressionRuntimeError`.
Both derive from :class:`ExpressionError`, so callers can catch one type.
"""
from __future__ import annotations

#: Codes carried by :class:`ExpressionSyntaxError`.
SYNTAX = "expression-syntax"
UNKNOWN_FUNCTION = "unknown-function"
UNSUPPORTED_PATH = "unsupported-path"
BAD_ARITY = "bad-arity"


class ExpressionError(Exception):
    """Base class. ``message`` is the short text without position."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ExpressionSyntaxError(ExpressionError):
    """The text is not a valid expression.

    ``col`` is the 1-based column (in characters) inside the expression text,
    ``code`` one of ``expression-syntax``, ``unknown-function``,
    ``unsupported-path``, ``bad-arity``; ``hint`` is a suggestion or ``None``.
    ``str(err)`` reads ``"<message> (column N)"`` plus ``"; <hint>"`` when given.
    """

    def __init__(self, message: str, col: int, code: str = SYNTAX,
                 hint: str | None = None) -> None:
        super().__init__(message)
        self.col = col
        self.code = code
        self.hint = hint

    def __str__(self) -> str:
        text = f"{self.message} (column {self.col})"
        return f"{text}; {self.hint}" if self.hint else text


class ExpressionRuntimeError(ExpressionError):
    """Evaluation failed (missing path, wrong operand type, bad built-in argument).

    ``col`` is the 1-based column of the operator, path or call that failed,
    when known (``None`` otherwise); ``str(err)`` is the message alone.
    """

    #: The CloudFlow error name a state fails with when this error escapes it.
    error_code = "FnF.RuntimeError"

    def __init__(self, message: str, col: int | None = None) -> None:
        super().__init__(message)
        self.col = col


class DataLimitError(ExpressionRuntimeError):
    """A value built inside an expression passed the data limit or the nesting
    limit: refused as it is built, so no expression allocates far past the
    limit (a state fails with ``FnF.DataLimitExceeded``)."""

    error_code = "FnF.DataLimitExceeded"


def flow_error_code(error: ExpressionError) -> str:
    """The error name a state fails with for ``error``."""
    return getattr(error, "error_code", "FnF.RuntimeError")
