"""validator.numbers.parse_number: how one printed cell is classified (Amount, BLANK, Garbled, text)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from validator.numbers import BLANK, Amount, Garbled, parse_number


@pytest.mark.parametrize(("text", "value", "decimals"), [
    ("2,587.46", "2587.46", 2),
    ("2587.46", "2587.46", 2),
    ("1,234,567.1", "1234567.1", 1),
    ("0", "0", 0),
    ("0.00", "0", 2),
    ("445.00", "445", 2),
    ("12", "12", 0),
    (" 55.70 ", "55.70", 2),
    ("-3.2", "-3.2", 1),
    ("(12.50)", "-12.50", 2),
    ("（12.50）", "-12.50", 2),  # full-width brackets
    ("２，５８７．４６", "2587.46", 2),  # full-width digits, comma and point
    ("０.４２", "0.42", 2),
])
def test_amounts_keep_value_and_displayed_decimals(text, value, decimals):
    assert parse_number(text) == Amount(Decimal(value), decimals, False)


def test_percentage_sets_the_percent_flag_and_keeps_decimals():
    assert parse_number("99.98%") == Amount(Decimal("99.98"), 2, True)
    assert parse_number("０.０２％") == Amount(Decimal("0.02"), 2, True)
    assert parse_number("100%") == Amount(Decimal("100"), 0, True)


def test_displayed_decimals_are_kept_not_normalised():
    parsed = parse_number("2,643.50")
    assert isinstance(parsed, Amount)
    assert parsed.decimals == 2
    assert parsed.display() == "2,643.50"
    assert parse_number("2,643.5").decimals == 1  # type: ignore[union-attr]


@pytest.mark.parametrize("text", ["", "   ", "—", "-", "－", "–", "——", "\u3000"])
def test_blanks_and_dashes_are_blank(text):
    assert parse_number(text) is BLANK


@pytest.mark.parametrize("text", ["5,00.00", "5,83.20", "1.2.3", "12,34", "1,2345", "(-5)"])
def test_malformed_numbers_are_garbled_with_a_reason(text):
    parsed = parse_number(text)
    assert isinstance(parsed, Garbled), parsed
    assert parsed.reason.strip()
    assert parsed.text


def test_garbled_reasons_tell_the_defects_apart():
    points = parse_number("1.2.3")
    separators = parse_number("5,00.00")
    assert isinstance(points, Garbled) and isinstance(separators, Garbled)
    assert points.reason != separators.reason


@pytest.mark.parametrize("text", ["合计", "本年收入合计", "万元", "一、", "abc", "12万元"])
def test_plain_text_is_not_a_number(text):
    assert parse_number(text) is None


@given(
    st.integers(min_value=0, max_value=4).flatmap(
        lambda places: st.tuples(
            st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=places,
                        allow_nan=False, allow_infinity=False),
            st.just(places),
        )
    )
)
def test_formatted_with_thousands_separators_reads_back(pair):
    value, places = pair
    text = f"{value:,.{places}f}"
    parsed = parse_number(text)
    assert isinstance(parsed, Amount), text
    assert parsed.value == value
    assert parsed.decimals == places
    assert parsed.percent is False


@given(st.decimals(min_value=Decimal("0"), max_value=Decimal("1e9"), places=2, allow_nan=False,
                   allow_infinity=False))
def test_display_round_trips(value):
    parsed = parse_number(f"{value:,.2f}")
    assert isinstance(parsed, Amount)
    assert parse_number(parsed.display()) == parsed


@pytest.mark.parametrize("text", ["…", "……", "………", "...", "......"])
def test_ellipses_marking_omitted_lines_are_blank(text):
    assert parse_number(text) is BLANK
