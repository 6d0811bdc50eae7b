"""Numbers, money, dates and plural forms as each language writes them: CLDR's rules through
Babel, instead of tables of our own.

Each interface language names its CLDR locale in assets/i18n/<code>.yaml (`language.locale`,
e.g. en_GB: "27 March 2007", "£30,000.00"). Digits stay Latin in every language (Babel's
default), as the kiosk's keyboards type them. Babel loads only when something needs it: a
whole number under 1,000 in a message with no plural forms is written as it is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from babel import Locale
    from typing_extensions import TypeIs

CATEGORIES = ("zero", "one", "two", "few", "many", "other")  # CLDR's plural categories
_PLACEHOLDER = re.compile(r"\{(\w+)")


def _locale_code(language: str) -> str:
    from . import i18n

    found = i18n._language_setting(language, "locale")
    return found if isinstance(found, str) and found else language


@cache
def _locale(language: str) -> Locale:
    from babel import Locale, UnknownLocaleError

    for code in (_locale_code(language), language, "en"):
        try:
            return Locale.parse(code)
        except (ValueError, UnknownLocaleError):
            continue
    raise LookupError(f"no CLDR locale for {language!r}")  # pragma: no cover: "en" exists


def is_plural(found: object) -> TypeIs[dict[str, str]]:
    """A message given per plural category: {one: ..., other: ...} ("other" always)."""
    return isinstance(found, dict) and "other" in found and set(found) <= set(CATEGORIES)


def _as_number(value: object) -> int | float | Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, str):  # messages.py passes numbers already written ("2,5")
        try:
            return Decimal(value.replace("\u202f", "").replace("\u00a0", "").replace(",", "."))
        except InvalidOperation:
            return None
    return None


def plural_category(language: str, number: float | Decimal) -> str:
    """CLDR's category for a count: "1 caractère" but "2 caractères"; Arabic has six."""
    # abs(number), which mypy types as object for float | Decimal
    return _locale(language).plural_form(-number if number < 0 else number)


def choose_plural(variants: dict[str, str], language: str, params: Mapping[str, object]) -> str:
    """The variant for the number in `params` that the message counts: `count` when given,
    else the first {placeholder} of the "other" variant that holds a number."""
    names = ["count", *_PLACEHOLDER.findall(variants["other"])]
    number = next((n for n in (_as_number(params.get(name)) for name in names)
                   if n is not None), None)
    if number is None:
        return variants["other"]
    return variants.get(plural_category(language, number), variants["other"])


def show_param(value: object, language: str) -> object:
    """A message's placeholder value as the language writes it: numbers grouped ("1,000",
    "1 000"); everything else as it is."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, int) and -1000 < value < 1000:
        return str(value)  # the same in every locale: no need to load Babel
    return format_number(value, language)


def format_number(value: int | float | Decimal, language: str) -> str:
    """A number with the locale's grouping and decimal mark, every decimal kept."""
    from babel.numbers import format_decimal

    return format_decimal(value, locale=_locale(language), decimal_quantization=False)


def decimal_symbol(language: str) -> str:
    from babel.numbers import get_decimal_symbol

    return get_decimal_symbol(_locale(language))


def format_money(amount: int | float | Decimal | str, language: str,
                 currency: str | None = None) -> str:
    """An amount of money with two decimals: "£30,000.00", "30 000,00 £GB"; without a
    currency the number alone, "30,000.00"."""
    from babel.numbers import format_currency, format_decimal

    # Half up from the decimal value (1.695 is 1.70), not babel's half even (1.685 to 1.68).
    from .forms.money import round_amount

    value = round_amount(Decimal(str(amount)), currency)
    if currency:
        return format_currency(value, currency, locale=_locale(language))
    return format_decimal(value, format="#,##0.00", locale=_locale(language))


def format_date(value: date, language: str) -> str:
    """A day as people read it: "27 March 2007", "27 de marzo de 2007"."""
    from babel.dates import format_date as babel_date

    return babel_date(value, format="long", locale=_locale(language))


def format_time(value: time, language: str) -> str:
    """A time of day to the minute: "14:05" (or "2:05 م" where the locale says so)."""
    from babel.dates import format_time as babel_time

    return babel_time(value.replace(tzinfo=None, second=0, microsecond=0), format="short",
                      locale=_locale(language))


def format_moment(moment: datetime, language: str, *, seconds: bool = False) -> str:
    """A stored (aware) moment in the kiosk's local time: "27 Nov 2026, 10:05"."""
    from babel.dates import format_date as babel_date
    from babel.dates import format_time as babel_time

    local = moment.astimezone().replace(tzinfo=None)
    locale = _locale(language)
    day = babel_date(local.date(), format="medium", locale=locale)
    clock = (babel_time(local.time().replace(microsecond=0), format="medium", locale=locale)
             if seconds else format_time(local.time(), language))
    return str(locale.datetime_formats["medium"]).format(clock, day)
