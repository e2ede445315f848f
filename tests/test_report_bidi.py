"""Which way a report's text runs: its first letter with a strong direction decides, as Unicode's rule P2."""

import pytest

from stancetracker.core.report.bidi import direction, is_rtl


@pytest.mark.parametrize("text, expected", [
    ("الصدر يرفض التدخل", "rtl"),
    ("(2019) «الصدر» ...", "rtl"),  # digits, brackets and quotes are neutral: the first letter decides
    ("שלום", "rtl"),
    ("Sadr said الصدر", "ltr"),
    ("2019-03 · +1", "ltr"),  # no letter at all: the default
    ("", "ltr"),
])
def test_the_first_strong_letter_decides(text, expected):
    assert direction(text) == expected
    assert is_rtl(text) == (expected == "rtl")


def test_a_text_without_letters_takes_the_default_given():
    assert direction("12 · 34", default="rtl") == "rtl"
