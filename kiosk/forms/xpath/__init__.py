"""A safe evaluator of ODK/XLSForm XPath expressions (no eval)."""

from .compiler import EvalContext, Expression, compile_expression, evaluate
from .errors import ExpressionError
from .values import Nodeset, is_empty, to_boolean, to_date, to_number, to_string

__all__ = [
    "EvalContext",
    "Expression",
    "ExpressionError",
    "Nodeset",
    "compile_expression",
    "evaluate",
    "is_empty",
    "to_boolean",
    "to_date",
    "to_number",
    "to_string",
]
