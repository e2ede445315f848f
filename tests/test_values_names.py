"""Scores and scale ends are plain decimals; new names need a visible letter; slugs are readable, unique and short."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from stancetracker.cli.main import cli
from stancetracker.core.exchange.record_import import ImportOptions, import_records, parse_scale
from stancetracker.core.model.errors import ImportFailed, ValidationError
from stancetracker.core.model.entities import MAX_NAME, Actor, Record, Source, check_score, parse_score
from stancetracker.core.model.dates import parse_date
from stancetracker.core.model.text import SLUG_RE, slugify, unique_slug

from conftest import fingerprint, write

NOT_PLAIN = ("is not a plain decimal number (such as 1, -0.5 or +2; no exponent, digit separator, inf or nan)")


# -- scores ----------------------------------------------------------------------------------
@pytest.mark.parametrize("text, value", [
    ("1", 1.0), ("-2", -2.0), ("+1.5", 1.5), ("\u22121", -1.0), (".5", 0.5), ("1.", 1.0), (" 1 ", 1.0),
    ("-0", 0.0), ("\u0662", 2.0), ("-\u0661\u066b\u0665", -1.5), ("\u06f1", 1.0), ("0.000", 0.0),
])
def test_plain_decimals_are_scores(text, value):
    """Sign (ASCII or U+2212), digits (ASCII or Arabic-Indic), optional fraction; outer space trimmed."""
    assert parse_score(text) == value
    assert check_score(text) == value


@pytest.mark.parametrize("text", ["0_2", "1_0", "inf", "-inf", "nan", "Infinity", "1e3", "1E0", "2e-1", "0x1",
                                  "1,5", "\u06623", "\uff11", "+-1", "--1", "1 2", "=1+1", "1" * 401])
def test_anything_else_is_refused_naming_the_value(text):
    """float() accepts 0_2, inf, nan and exponents: the score parser does not."""
    with pytest.raises(ValidationError) as err:
        parse_score(text)
    assert err.value.field == "score"
    assert str(err.value) == f"score: {text[:40]!r}{'…' if len(text) > 40 else ''} {NOT_PLAIN}"


def test_a_score_outside_the_range_is_refused():
    with pytest.raises(ValidationError, match=r"^score: 3 is outside the range -2 to 2$"):
        parse_score("3")


HEAD = "actor_slug,dimension_slug,date,score,evidence\n"


@pytest.mark.parametrize("chunked", [True, False], ids=["column checks", "row checks"])
@pytest.mark.parametrize("cell", ["0_2", "inf", "nan", "1e0", "-0_1"])
def test_import_refuses_what_float_alone_would_take(store, tmp_path, monkeypatch, cell, chunked):
    """Finding 6: '0_2' was stored as +2.0. Both validation paths refuse it, naming line and column."""
    from stancetracker.core.exchange import record_rows
    if not chunked:
        monkeypatch.setattr(record_rows.RowBuilder, "build_chunk", lambda self, lines, rows: None)
    f = write(tmp_path / "f.csv", HEAD + "sadr,iran,2020,1,ok\n" + f"sadr,iran,2021,{cell},x\n")
    before = fingerprint(store)
    with pytest.raises(ImportFailed) as err:
        import_records(store, f)
    assert str(err.value) == f"{f}: line 3, column score: {cell!r} {NOT_PLAIN}; nothing was imported"
    assert fingerprint(store) == before


@pytest.mark.parametrize("text, message", [
    ("0:inf", f"scale: 'inf' {NOT_PLAIN}"),
    ("-inf:inf", f"scale: '-inf' {NOT_PLAIN}"),
    ("0:1e1", f"scale: '1e1' {NOT_PLAIN}"),
    ("0_1:10", f"scale: '0_1' {NOT_PLAIN}"),
    ("5:5", "scale: '5:5' has two equal ends; give LO:HI with LO and HI different"),
    ("5:5.0", "scale: '5:5.0' has two equal ends; give LO:HI with LO and HI different"),
    ("0-10", "scale: '0-10' is not LO:HI, e.g. 0:10"),
    ("nan:1", f"scale: 'nan' {NOT_PLAIN}"),
])
def test_scale_ends_use_the_same_parser(text, message):
    with pytest.raises(ValidationError) as err:
        parse_scale(text)
    assert str(err.value) == message


@pytest.mark.parametrize("scale", ["0:inf", "-inf:inf", "0:nan", "1:1"])
def test_cli_scale_is_refused_with_one_line_and_nothing_changes(db_path, tmp_path, scale):
    """Finding 6: '--scale 0:inf' turned every score into -2.0; '-inf:inf' got an unrelated message."""
    f = write(tmp_path / "f.csv", "Party,When,Score\nsadr,2020,5\n")
    before = fingerprint(db_path)
    res = CliRunner().invoke(cli, ["--db", str(db_path), "import", str(f), "--map", "actor=Party,date=When,score=Score",
                                   "--dimension", "iran", "--scale", scale])
    assert res.exit_code != 0
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: scale: "), res.output
    assert fingerprint(db_path) == before


def test_import_checks_a_scale_given_as_numbers(store, tmp_path):
    """The window passes its spin boxes' numbers: equal or infinite ends are refused there too."""
    f = write(tmp_path / "f.csv", "Party,When,Score\nsadr,2020,5\n")
    opts = dict(mapping={"actor": "Party", "date": "When", "score": "Score"}, dimension="iran")
    for scale in [(3.0, 3.0), (0.0, float("inf")), (float("nan"), 1.0)]:
        with pytest.raises(ValidationError, match="^scale: "):
            import_records(store, f, ImportOptions(**opts, scale=scale))
    assert store.count() == 0
    assert import_records(store, f, ImportOptions(**opts, scale=(0.0, 10.0))).added == 1
    assert store.records()[0].score == 0.0


def test_the_record_rules_use_the_same_parser(store):
    """A record given its score as text (as merge and the editor may) meets the same rules."""
    rec = Record(actor="sadr", dimension="iran", date=parse_date("2020"), score="0_2", coder="x")
    with pytest.raises(ValidationError, match="'0_2' is not a plain decimal"):
        rec.validate()


# -- names ---------------------------------------------------------------------------------------
EMPTY_NAMES = ["\u0301", "\u0640\u0640", "\u064b", "\u064b\u0650", "-", "\u2013", "...", "/", "\u200b", "\u200b\u200c",
               "\u2060", "\ufeff", "\u00ad", "\u3164", "\u2605", "\u0301-\u200b", "'", "()"]


@pytest.mark.parametrize("name", EMPTY_NAMES, ids=[f"U+{ord(n[0]):04X}" for n in EMPTY_NAMES])
def test_a_name_with_no_visible_letter_is_refused_with_line_and_column(store, tmp_path, name):
    """Finding 7: such names were all attached, silently, to one new actor."""
    f = write(tmp_path / "f.csv", "actor,dimension_slug,date,score\nMuqtada al-Sadr,iran,2020,1\n"
                                  f"\"{name}\",iran,2021,1\n")
    before = fingerprint(store)
    with pytest.raises(ImportFailed) as err:
        import_records(store, f, ImportOptions(create_actors=True))
    message = str(err.value)
    assert message.startswith(f"{f}: line 3, column actor: "), message
    assert ("has no letter or digit" in message or "contains an invisible character" in message
            or "invisible direction marks" in message), message
    assert fingerprint(store) == before


def test_two_different_new_names_become_two_actors(store, tmp_path):
    f = write(tmp_path / "f.csv", "actor,dimension_slug,date,score\n"
                                  "\u0639\u0645\u0627\u0631 \u0627\u0644\u062d\u0643\u064a\u0645,iran,2020,1\n"
                                  "\u0647\u0627\u062f\u064a \u0627\u0644\u0639\u0627\u0645\u0631\u064a,iran,2020,1\n"
                                  "Ammar al-Hakim,iran,2021,1\nAmmar Hakim,iran,2022,1\n")
    result = import_records(store, f, ImportOptions(create_actors=True))
    assert len(result.created_actors) == 3  # "Ammar Hakim" is a spelling of "Ammar al-Hakim"
    assert len(set(result.created_actors)) == 3
    assert all(SLUG_RE.match(s) for s in result.created_actors)
    assert "ammar-al-hakim" in result.created_actors


@pytest.mark.parametrize("name", ["Sadr\u200b", "\u200bSadr", "Sa\u2060dr", "Sadr\u00ad"])
def test_an_invisible_character_makes_no_second_actor(store, name):
    """A name that looks like another cannot be saved as a new actor."""
    with pytest.raises(ValidationError, match="invisible character"):
        Actor(slug="x", name=name).validate()


def test_joiners_that_shape_persian_words_are_kept():
    """ZWNJ is part of Persian spelling; it is allowed in a name (and ignored when matching)."""
    assert Actor(slug="x", name="\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645").validate().name


@pytest.mark.parametrize("text, slug", [
    ("\u0645\u0642\u062a\u062f\u0649 \u0627\u0644\u0635\u062f\u0631", "mqtda-al-sdr"),
    ("\u0646\u0648\u0631\u064a \u0627\u0644\u0645\u0627\u0644\u0643\u064a", "nwry-al-mlky"),
    ("Kata'ib Hezbollah", "kataib-hezbollah"),
    ("\u0418\u0440\u0430\u043a", "irak"),
    ("Mu\u0301qtada", "muqtada"),
])
def test_slugs_of_non_latin_names_are_transliterations(text, slug):
    assert slugify(text) == slug


def test_arabic_names_get_readable_distinct_slugs_on_import(store, tmp_path):
    """Finding 7: Arabic names got the slugs actor, actor-2, and Arabic titles source."""
    f = write(tmp_path / "f.csv", "actor,dimension_slug,date,score,source_title\n"
              "\u0645\u0642\u062a\u062f\u0649 \u0627\u0644\u0635\u062f\u0631,iran,2020,1,"
              "\u0628\u064a\u0627\u0646 \u0627\u0644\u062a\u064a\u0627\u0631\n"
              "\u0647\u0627\u062f\u064a \u0627\u0644\u0639\u0627\u0645\u0631\u064a,iran,2020,1,"
              "\u062e\u0637\u0627\u0628 \u0627\u0644\u0639\u0627\u0645\u0631\u064a\n")
    result = import_records(store, f, ImportOptions(create_actors=True))
    assert result.created_actors == ["mqtda-al-sdr", "hdy-al-mry"]
    assert result.created_sources == ["byn-al-tyr", "khtb-al-mry"]


def test_a_150_character_name_gets_a_valid_slug_cut_at_a_word(store, tmp_path):
    """Finding 18: a 150-character name (limit 200) was refused for a derived 'slug' column."""
    name = " ".join(["Tahaluf"] * 18) + " Watani"  # 151 characters
    name = name[:150]
    f = write(tmp_path / "f.csv", f"actor,dimension_slug,date,score\n{name},iran,2020,1\n{name} Two,iran,2021,1\n")
    result = import_records(store, f, ImportOptions(create_actors=True))
    for slug in result.created_actors:
        assert len(slug) <= 100 and SLUG_RE.match(slug), slug
        assert not slug.endswith("-") and "tahaluf-w" not in slug[-10:]
    assert len(set(result.created_actors)) == 2


def test_numbered_slugs_stay_within_the_limit():
    base = "-".join(["word"] * 30)
    taken = {unique_slug(base, set(), "x")}
    for _ in range(12):
        slug = unique_slug(base, taken, "x")
        assert len(slug) <= 100 and SLUG_RE.match(slug) and slug not in taken
        taken.add(slug)
    assert unique_slug("x" * 300, set(), "actor") == "x" * 100
    assert unique_slug("\u2605", {"actor"}, "actor") == "actor-2"


def test_a_name_too_long_is_reported_against_the_actor_column(store, tmp_path):
    f = write(tmp_path / "f.csv", f"actor,dimension_slug,date,score\n{'N' * (MAX_NAME + 1)},iran,2020,1\n")
    with pytest.raises(ImportFailed) as err:
        import_records(store, f, ImportOptions(create_actors=True))
    assert f"line 2, column actor: is {MAX_NAME + 1} characters long; the limit is {MAX_NAME}" in str(err.value)


@pytest.mark.parametrize("title", ["...", "\u200b", "\u064b"])
def test_a_source_title_needs_a_letter(store, tmp_path, title):
    with pytest.raises(ValidationError, match="title: .* has no letter or digit|invisible"):
        Source(slug="s", title=title).validate()
    f = write(tmp_path / "f.csv", f"actor_slug,dimension_slug,date,score,source_title\nsadr,iran,2020,1,\"{title}\"\n")
    with pytest.raises(ImportFailed, match=r"line 2, column source_title: "):
        import_records(store, f)
    assert store.count() == 0


def test_a_long_source_title_gets_a_short_word_cut_slug(store):
    title = "\u062a\u0642\u0631\u064a\u0631 " * 60
    slug = store.unique_source_slug(title)
    assert len(slug) <= 60 and SLUG_RE.match(slug) and slug.startswith("tqryr-tqryr")


@pytest.mark.parametrize("cell", ["1_0", "1e1", "2.0", "0x2"])
def test_a_version_is_a_plain_whole_number(store, tmp_path, cell):
    """int() alone took '1_0' as version 10."""
    f = write(tmp_path / "f.csv", HEAD.strip() + ",version\n" + f"sadr,iran,2020,1,x,{cell}\n")
    with pytest.raises(ImportFailed) as err:
        import_records(store, f)
    assert str(err.value) == f"{f}: line 2, column version: {cell!r} is not a whole number; nothing was imported"


def test_two_different_new_titles_become_two_sources(store, tmp_path):
    """Titles a new import brings are matched exactly ('Report, 2020' is not 'Report 2020'),
    so an export re-imports with each record's own source; a source already there is still
    found by another spelling of its title."""
    existing = store.sources()[0].title
    f = write(tmp_path / "f.csv", "actor_slug,dimension_slug,date,score,source_title\n"
                                  "sadr,iran,2020,1,\"Report, 2020\"\nsadr,iran,2021,1,Report 2020\n"
                                  f"sadr,iran,2022,1,Paper-1\nsadr,iran,2023,1,Paper 1\nsadr,iran,2024,1,{existing.upper()}\n")
    result = import_records(store, f)
    assert len(result.created_sources) == 4
    titles = {r.date.iso[:4]: store.source(r.source).title for r in store.records()}
    assert titles == {"2020": "Report, 2020", "2021": "Report 2020", "2022": "Paper-1", "2023": "Paper 1", "2024": existing}


def test_a_bad_slug_cell_is_reported_against_its_own_column(store, tmp_path):
    f = write(tmp_path / "f.csv", "actor,actor_slug,dimension_slug,date,score\nNew One,BAD SLUG/..,iran,2020,1\n")
    before = fingerprint(store)
    with pytest.raises(ImportFailed) as err:
        import_records(store, f, ImportOptions(create_actors=True))
    assert f"{f}: line 2, column actor_slug: 'BAD SLUG/..' is not a slug" in str(err.value)
    assert fingerprint(store) == before
