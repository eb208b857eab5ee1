"""FDL v1 expression language: paths, operators and built-in functions.

    expr = compile_expression('$Input.status == "ready" && $Input.n > 3')
    expr.evaluate_condition(Env(roots={"$Input": {"status": "ready", "n": 5}}))  # True

Grammar, comparison rules and built-ins: docs/expressions.md.
"""
from .env import Env, RandomSource, SeededRandom
from .errors import (BAD_ARITY, SYNTAX, UNKNOWN_FUNCTION, UNSUPPORTED_PATH, DataLimitError, ExpressionError,
                     ExpressionRuntimeError, ExpressionSyntaxError, flow_error_code)
from .expression import Expression, compile_expression
from .functions import FUNCTION_NAMES
from .values import describe, json_equal, type_name

__all__ = [
    "compile_expression", "Expression", "Env", "RandomSource", "SeededRandom",
    "ExpressionError", "ExpressionSyntaxError", "ExpressionRuntimeError", "DataLimitError", "flow_error_code",
    "FUNCTION_NAMES",
    "SYNTAX", "UNKNOWN_FUNCTION", "UNSUPPORTED_PATH", "BAD_ARITY",
    "describe", "json_equal", "type_name",
]
