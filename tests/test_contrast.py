"""Colours on both palettes (issue 16, item 4): WCAG 2.1 contrast for every seeded actor colour."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from stancetracker.core.analysis.contrast import (CURRENT_HUE, DARK, LIGHT, MARK_CONTRAST, PASSAGE_HUE,
                                                  TEXT_CONTRAST, contrast, luminance, mention_colours, readable,
                                                  shading, swatch)
from stancetracker.core.db.actors import palette_colour

SEEDS = Path(__file__).resolve().parents[1] / "seeds" / "actors.csv"
SEEDED = {row["slug"]: row["colour"] for row in csv.DictReader(SEEDS.open(encoding="utf-8")) if row["colour"]}
# Colours new actors get when none is chosen.
AUTOMATIC = {f"automatic-{n}": palette_colour(n) for n in range(15)}
hex_colour = st.integers(0, 0xFFFFFF).map(lambda n: f"#{n:06x}")


def test_wcag_formula_matches_the_standard():
    assert luminance("#ffffff") == pytest.approx(1.0) and luminance("#000000") == 0
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the well-known AA grey


def test_the_seeds_hold_dark_colours_that_fail_on_dark_as_they_are():
    """The case the issue found: navy and dark brown text vanish on the dark palette unless adjusted."""
    assert len(SEEDED) >= 40
    assert contrast(SEEDED["coordination-framework"], DARK.base) < 2 and contrast(SEEDED["iran"], DARK.base) < 2


@pytest.mark.parametrize("palette", [LIGHT, DARK], ids=lambda p: p.name)
def test_passage_shading_keeps_text_readable_and_stands_out(palette):
    for hue in (PASSAGE_HUE, CURRENT_HUE):
        shade = shading(hue, palette.base, palette.text)
        assert contrast(shade, palette.text) >= TEXT_CONTRAST, (hue, shade)
        assert contrast(shade, palette.base) >= MARK_CONTRAST, (hue, shade)
    # The record's own passage is told apart from the others by more than luminance alone.
    assert shading(PASSAGE_HUE, palette.base, palette.text) != shading(CURRENT_HUE, palette.base, palette.text)


@pytest.mark.parametrize("palette", [LIGHT, DARK], ids=lambda p: p.name)
@pytest.mark.parametrize("slug, colour", sorted({**SEEDED, **AUTOMATIC}.items()))
def test_every_actor_colour_is_readable_on_the_palette(palette, slug, colour):
    passage = shading(PASSAGE_HUE, palette.base, palette.text)
    m = mention_colours(colour, palette.base, palette.text, passage)
    assert contrast(m.text, palette.base) >= TEXT_CONTRAST
    assert contrast(m.underline, palette.base) >= MARK_CONTRAST
    assert contrast(m.text_in_passage, passage) >= TEXT_CONTRAST
    assert contrast(m.underline_in_passage, passage) >= MARK_CONTRAST
    assert contrast(swatch(colour, palette.base), palette.base) >= MARK_CONTRAST


def test_a_colour_that_already_passes_is_left_alone():
    assert readable("#1565c0", LIGHT.base) == "#1565c0"  # 5.75:1 on white
    assert readable("#1565c0", DARK.base) != "#1565c0"   # 2.9:1 on the dark base: lightened
    assert luminance(readable("#1565c0", DARK.base)) > luminance("#1565c0")


@given(hex_colour, hex_colour)
def test_any_colour_reaches_text_contrast_on_any_background(colour, background):
    assert contrast(readable(colour, background), background) >= TEXT_CONTRAST
