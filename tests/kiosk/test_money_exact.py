"""The amount a declaration asks the citizen to pay is exact: worked out in decimals from the
amounts typed and rounded half up (3 % of £56.50 is £1.695, so £1.70, never £1.69 from the
binary float 1.6949999999999998), on screen, in the submission and on the receipt. The sample
declaration's rules are written in whole pence, so ODK's binary arithmetic agrees."""

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from kiosk.forms.loader import load_form
from kiosk.forms.trial import run_trial
from kiosk.forms.xpath import EvalContext
from kiosk.localise import format_money

from .small_forms import answer, make_form, start

FORM = Path(__file__).resolve().parents[2] / "assets" / "forms" / "market_trader_tax.yaml"
ANSWERS = {"trader_licence": "47163050", "market": "saturday_market", "quarter": "2026_q4",
           "days_traded": 1, "takings": "56.50", "pitch_fees": "0", "declaration": True}
PENNY = Decimal("0.01")


@pytest.fixture(scope="module")
def form():
    return load_form(FORM)


def _levy(pounds: Decimal) -> Decimal:
    return (pounds * 3 / 100).quantize(PENNY, rounding=ROUND_HALF_UP)


def test_three_percent_of_56_50_is_1_70_on_screen_in_the_submission_and_on_the_receipt(form):
    result = run_trial(form, ANSWERS)
    answers = result.submission["answers"]
    assert answers["levy_percent"] == 1.7 and answers["amount_due"] == 1.7  # was 1.69
    receipt = {row["name"]: row["answer"] for row in result.submission["receipt"]}
    assert receipt["amount_due"] == "£1.70"


def _declaration(tmp_path, rule: str):
    return make_form(tmp_path, f"""\
        - {{type: decimal, name: takings, label: "Takings?", appearance: money, required: true}}
        - {{type: decimal, name: due, label: "Amount to pay", appearance: money, read_only: true,
            receipt: true, calculation: "{rule}"}}
        - {{type: calculate, name: elsewhere, calculation: "${{takings}} * 0.03"}}
        """, """
        settings:
          currency: GBP
          payment: {amount: due, how_to_pay: "At the Town Hall"}
        """, name="naive")


@pytest.mark.parametrize("rule", ["round(${takings} * 0.03, 2)", "${takings} * 0.03",
                                  "${takings} * 3 div 100"])
def test_a_rule_written_in_floats_still_charges_the_right_penny(tmp_path, rule):
    session = start(_declaration(tmp_path, rule))
    page = answer(session, takings="56.50")
    assert page.questions[0].shown == "£1.70"
    answers = session.submission()["answers"]
    assert answers["due"] == 1.7
    # Calculations the amount does not read stay in binary floating point, as in ODK.
    assert answers["elsewhere"] == 56.5 * 0.03 == 1.6949999999999998


def test_forms_check_warns_of_a_rate_odk_cannot_hold_exactly(tmp_path):
    warned = _declaration(tmp_path, "round(${takings} * 0.03, 2)").warnings
    assert any("worked out with 0.03" in problem.message and problem.question == "due"
               for problem in warned)
    assert not _declaration(tmp_path, "round(round(${takings} * 100) * 3 div 100) div 100"
                            ).warnings
    assert not [problem for problem in load_form(FORM).warnings if "ODK" in problem.message]


def test_money_is_shown_rounded_half_up_not_half_even():
    assert format_money(1.685, "en", "GBP") == "£1.69"  # babel alone: £1.68
    assert format_money(0.125, "en") == "0.13"
    assert format_money(1234.5, "en", "JPY") == "JP¥1,235"


def _walk(form, exact: bool, first: int, last: int) -> list[str]:
    """Every amount from £first.50 to £last.50 through the form's own rules; the wrong ones."""
    net, percent = form.fields["net_takings"].calculation, form.fields["levy_percent"].calculation
    wrong = []
    for pounds in range(first, last + 1):
        context = EvalContext(values={"takings": pounds + 0.5, "pitch_fees": 0})
        context.exact = exact
        context.values = {"net_takings": float(net.evaluate(context))}
        got = Decimal(repr(float(percent.evaluate(context))))
        if got != _levy(Decimal(pounds) + Decimal("0.5")):
            wrong.append(f"{pounds}.50 gives {got}")
    return wrong


@pytest.mark.parametrize("exact", [True, False], ids=["kiosk", "binary-floating-point"])
def test_every_amount_ending_in_50_is_charged_to_the_penny(form, exact):
    """The kiosk works the payment out in decimals; ODK (JavaRosa) in binary floating point,
    as the kiosk does outside payments: the sample's rules give the right penny in both, for
    each of the 999,950 amounts from £50.50 to £999,999.50 (the old rule: 24 % a penny low)."""
    assert _walk(form, exact, 50, 999_999) == []


def test_the_pence_walk_finds_the_old_rule_wrong(form, tmp_path):
    old = FORM.read_text(encoding="utf-8").replace(
        '"round(round(${net_takings} * 100) * 3 div 100) div 100"',
        '"round(${net_takings} * 0.03, 2)"')
    path = tmp_path / "market_trader_tax.yaml"
    path.write_text(old, encoding="utf-8")
    wrong = _walk(load_form(path), False, 50, 1_049)
    assert "56.50 gives 1.69" in wrong and len(wrong) > 100
    assert _walk(load_form(path), True, 50, 1_049) == []  # exact arithmetic needs no care
