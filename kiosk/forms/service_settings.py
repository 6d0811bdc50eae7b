"""The settings that make a form more than a form: the topics it is listed under, a
consultation (a question whose answers are counted centrally) and a payment (a reference and
how to pay, for a declaration). Checked with the rest of the form, by question and column."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..information.loader import unknown_topics
from .form import Field
from .model import Payment
from .money import amount_calculations, inexact_factors

if TYPE_CHECKING:
    from .loader import _FormCompiler

_AMOUNT_TYPES = ("integer", "decimal", "calculate")


def check_service_settings(compiler: _FormCompiler) -> None:
    """Report problems through the form compiler (kiosk.forms.loader._FormCompiler)."""
    settings = compiler.definition.settings
    for message in unknown_topics(settings.topics):
        compiler.error(message, column="settings.topics")
    if settings.consultation is not None:
        _check_consultation(compiler, settings.consultation.question)
    if settings.payment is not None:
        _check_payment(compiler, settings.payment)


def _question(compiler: _FormCompiler, name: str, column: str) -> Field | None:
    field = compiler.fields.get(name)
    if field is None:
        compiler.error(f"there is no question called '{name}'", column=column)
    elif field.repeat is not None:
        compiler.error(f"'{name}' is inside a repeat: it must be asked once", field, column)
        return None
    return field


def _check_consultation(compiler: _FormCompiler, name: str) -> None:
    column = "settings.consultation.question"
    field = _question(compiler, name, column)
    if field is None:
        return
    if field.type != "select_one":
        compiler.error(f"the consultation's question '{name}' must be a select_one (one answer "
                       f"per visit), not {field.type}", field, column)
    elif field.spec.required is not True:
        compiler.warn(f"the consultation's question '{name}' is not required, so a visit can "
                      "end without an answer to it", field, column)


def _warn_inexact(compiler: _FormCompiler, amount: str) -> None:
    """The kiosk works the amount out exactly; ODK in binary floating point, where 0.03 is not
    0.03: a rule that multiplies by such a number can charge a penny less in ODK."""
    for name in sorted(amount_calculations(compiler.fields, amount)):
        field = compiler.fields[name]
        assert field.calculation is not None  # amount_calculations: calculated ones only
        factors = inexact_factors(field.calculation)
        if factors:
            compiler.warn(f"the amount to pay is worked out with {', '.join(factors)}, which ODK "
                          "(binary floating point) cannot hold exactly, so ODK can charge a "
                          "penny less than the kiosk; work in whole pence and write a rate as a "
                          "whole number, then div 100: round(round(${x} * 100) * 3 div 100) "
                          "div 100 (docs/services.md, money rules)", field, "calculation")


def _check_payment(compiler: _FormCompiler, payment: Payment) -> None:
    column = "settings.payment.amount"
    field = _question(compiler, payment.amount, column)
    if field is not None:
        if field.type not in _AMOUNT_TYPES:
            compiler.error(f"the amount to pay, '{payment.amount}', must be a number "
                           f"({', '.join(_AMOUNT_TYPES)}), not {field.type}", field, column)
        if not field.spec.receipt:
            compiler.error(f"mark '{payment.amount}' receipt: true, so the receipt (and a "
                           "reprint) can show the amount to pay", field, column)
        _warn_inexact(compiler, payment.amount)
    compiler._check_text(payment.how_to_pay, None, "settings.payment.how_to_pay")
