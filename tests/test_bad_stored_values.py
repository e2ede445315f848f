"""A record that breaks every rule is read, marked and left out of charts, never fatal (issue 12, 5 and 14).

The bad rows are written with raw sqlite3, as a merge, sqlite3 or another
program could: first only values the schema's CHECK constraints allow, then
(with ``PRAGMA ignore_check_constraints``) the ones they would stop.
"""

from __future__ import annotations

import math
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings, strategies as st

from stancetracker.cli.main import cli
from stancetracker.core.analysis import series
from stancetracker.core.analysis import chartdata
from stancetracker.core.model.dates import PartialDate, parse_date
from stancetracker.core.model.entities import Event, Record
from stancetracker.core.db.query import RecordFilter, row_from_tuple
from stancetracker.core.db.store import Store
from stancetracker.core.project import open_project
from stancetracker.core.model.stored_values import chart_problem, observations_sound, visible

from conftest import fingerprint, make_store

BAD_UUID = "ABCDEF00-0000-4000-8000-00000000000B"  # upper case: a twin of a lower-case one
CHECKED_UUID = "abcdef00-0000-4000-8000-00000000000c"
# Every rule the schema's CHECK constraints do not enforce, broken in one record.
EVERY_RULE = dict(uuid=BAD_UUID, date="2021-02-30", date_precision="day", score=1.0, confidence="high",
                  locator="p. 1\nand a line break", evidence="bell \x07 and \u202eflipped\u202c text",
                  coder="", created_at="yesterday", updated_at="2024-13-45T99:99", version=-3, deleted=0)
# And those they do enforce: only a file written with the checks switched off holds them.
CHECKED = dict(EVERY_RULE, uuid=CHECKED_UUID, date="garbage", date_precision="week", score="abc",
               confidence="sure", deleted=2)
CHECKED_LIVE = dict(CHECKED, uuid="abcdef00-0000-4000-8000-00000000000d", deleted=0, date="2021-05-01",
                    date_precision="day", score=7)


def _good_records(store: Store) -> list[str]:
    out = []
    for actor, when, score in [("sadr", "2020-01-05", -2), ("sadr", "2021-03-01", 2), ("sadr", "2022-06", 1),
                               ("maliki", "2020-02-01", 1), ("maliki", "2021-07-01", -1)]:
        r = store.add_record(Record(actor=actor, dimension="iran", date=parse_date(when), score=score,
                                    source="paper-a", evidence=f"{actor} said so", coder="ana"))
        out.append(r.uuid)
    return out


def _insert(path: Path, row: dict, ignore_checks: bool = False) -> None:
    conn = sqlite3.connect(path)
    try:
        if ignore_checks:
            conn.execute("PRAGMA ignore_check_constraints = ON")
        actor = conn.execute("SELECT id FROM actors WHERE slug = 'sadr'").fetchone()[0]
        dim = conn.execute("SELECT id FROM dimensions WHERE slug = 'iran'").fetchone()[0]
        src = conn.execute("SELECT id FROM sources WHERE slug = 'paper-a'").fetchone()[0]
        cols = ", ".join(row)
        conn.execute(f"INSERT INTO records (actor_id, dimension_id, source_id, {cols}) VALUES (?, ?, ?, "
                     f"{', '.join('?' * len(row))})", [actor, dim, src, *row.values()])
        conn.commit()
    finally:
        conn.close()


@pytest.fixture
def bad_db(tmp_path) -> tuple[Path, list[str]]:
    """A seeded database with five sound records and one that breaks every rule CHECK allows."""
    path = tmp_path / "bad.db"
    store = make_store(path)
    good = _good_records(store)
    store.close()
    _insert(path, EVERY_RULE)
    return path, good


@pytest.fixture
def worst_db(bad_db) -> tuple[Path, list[str]]:
    """The same, plus records holding values the CHECK constraints would refuse."""
    path, good = bad_db
    _insert(path, CHECKED, ignore_checks=True)
    _insert(path, CHECKED_LIVE, ignore_checks=True)
    return path, good


# ------------------------------------------------------------------ the core
def test_the_record_is_read_with_every_problem_named(bad_db):
    """store.record and store.records return the record, each broken rule named by its column."""
    path, good = bad_db
    with open_project(path, backup=False) as store:
        r = store.record(BAD_UUID)
        assert {c for c, _ in r.problems} == {"uuid", "date", "locator", "evidence", "coder", "created_at",
                                             "updated_at", "version"}
        assert r.date is None and r.shown("date") == "2021-02-30" and "not a real date" in r.problem("date")
        assert r.score == 1.0 and r.score_label == "pro-Iran"
        assert r.shown("evidence") == "bell \\x07 and \\u202eflipped\\u202c text"  # spelled out, not obeyed
        rows = store.records(RecordFilter())
        assert len(rows) == 6 and [x.uuid for x in rows if x.problems] == [BAD_UUID]
        assert all(not x.problems for x in store.rows_by_id([x.id for x in rows if x.uuid in good]))


def test_values_check_would_refuse_are_read_too(worst_db):
    """Text in the score column, an unknown confidence and precision, a deleted flag of 2: still read."""
    path, _ = worst_db
    with open_project(path, backup=False) as store:
        r = store.record(CHECKED_UUID)
        assert {"date", "score", "confidence", "deleted"} <= {c for c, _ in r.problems}
        assert r.score is None and r.shown("score") == "abc" and r.score_label == ""
        assert r.shown("date") == "garbage (week)"
        # A flag that is neither 0 nor 1 counts as the trash, so the record is in one view, not in none.
        assert CHECKED_UUID in [x.uuid for x in store.records(RecordFilter(deleted=True))]
        assert CHECKED_UUID not in [x.uuid for x in store.records(RecordFilter())]
        assert store.record_counts() == (7, 1)


def test_rows_with_nulls_blobs_nan_and_huge_text_never_raise():
    """The row conversion survives NULL in every column, blobs, NaN and text past every limit."""
    base = (1, "u", "sadr", "Sadr", "iran", "Iran", "anti", "pro", "2021-01-01", "day", 1.0, "low", None,
            None, "", "", "ana", "2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z", 1, 0, 0, 0, 3)
    variants = [tuple(None for _ in base), tuple(b"\xff\x00" if isinstance(v, str) else v for v in base),
                base[:10] + (float("nan"),) + base[11:], base[:10] + (float("inf"),) + base[11:],
                base[:15] + ("x" * 20_001,) + base[16:21] + (0, 10_000_000, 3)]
    for t in variants:
        r = row_from_tuple(t)
        assert r.problems
        for column in ("date", "score", "confidence", "locator", "evidence", "coder"):
            assert isinstance(r.shown(column), str)
    huge = row_from_tuple(variants[-1])
    assert huge.problem("evidence").startswith("is 10,000,000 characters long")


def test_series_and_shifts_leave_the_record_out_and_count_it(worst_db):
    """Series skip records whose date, score or confidence breaks a rule, and say how many by column."""
    path, _ = worst_db
    with open_project(path, backup=False) as store:
        s = series.series(store, "sadr", "iran")
        assert len(s) == 3 and s.skipped == {"date": 1, "score": 1}
        assert all(BAD_UUID not in g for g in s.uuids)
        skipped: dict[str, int] = {}
        series.shifts(store, ["sadr"], ["iran"], skipped=skipped)
        assert skipped == {"date": 1, "score": 1}
        assert series.skipped_note(skipped) == ("2 records with an invalid date or score not drawn "
                                                  "(stancetracker check lists them)")


@pytest.mark.parametrize("kind, actors, drawn", [("timeline", ["sadr", "maliki"], 5), ("profile", ["sadr"], 3),
                                                 ("compare", ["sadr", "maliki"], 5),
                                                 ("snapshot", ["sadr", "maliki"], 5)])
def test_every_chart_kind_is_built_without_the_record_and_says_so(worst_db, kind, actors, drawn):
    """Each chart kind draws the sound records; its note and source line count the two left out."""
    path, _ = worst_db
    with open_project(path, backup=False) as store:
        at = PartialDate(parse_date("2023-01-01").value) if kind == "snapshot" else None
        data = chartdata.build(store, chartdata.ChartRequest(kind, actors, "iran", at=at))
        assert data.note == "2 records with an invalid date or score not drawn (stancetracker check lists them)"
        assert f"{drawn} of 7 records" in data.source
        assert "2 records with an invalid date or score not drawn" in data.source
        assert "2021-02-30" not in data.source


def test_source_line_counts_only_drawn_records(worst_db):
    """'5 of 6 records' on a timeline of everyone: the two bad live records are not counted as drawn."""
    path, _ = worst_db
    with open_project(path, backup=False) as store:
        data = chartdata.build(store, chartdata.ChartRequest("timeline", ["sadr", "maliki"], "iran"))
        assert "5 of 7 records" in data.source
        assert "records dated 2020-01-05 to 2022-06-01" in data.source


def test_first_and_last_date_pass_over_dates_that_are_none(worst_db):
    """date_range and stats skip stored dates that are not dates; the window's slider starts from them."""
    path, _ = worst_db
    _insert(path, dict(EVERY_RULE, uuid="abcdef00-0000-4000-8000-0000000000ee", date="0000-00-00"))
    with open_project(path, backup=False) as store:
        assert store.date_range() == ("2020-01-05", "2022-06-01")
        assert store.stats()["last_date"] == "2022-06-01"
        assert store.invalid_date_count() == 2


def test_events_sources_and_history_survive_bad_stored_values(bad_db):
    """An event dated 2021-02-30, an unparseable publication date and history that is not JSON: all read."""
    path, _ = bad_db
    with open_project(path, backup=False) as store:
        store.add_event(Event(slug="e", date=parse_date("2021-01-01"), label="an event"))
    conn = sqlite3.connect(path)
    conn.execute("UPDATE events SET date = '2021-02-30' WHERE slug = 'e'")
    conn.execute("UPDATE sources SET published = 'soon' WHERE slug = 'paper-a'")
    rid = conn.execute("SELECT id FROM records WHERE uuid = ?", [BAD_UUID]).fetchone()[0]
    op = conn.execute("SELECT max(id) FROM operations").fetchone()[0]
    conn.execute("INSERT INTO history (op_id, entity, entity_id, action, before, after) VALUES (?, 'record', ?, "
                 "'edit', 'not json', '[1, 2]')", [op, rid])
    conn.commit()
    conn.close()
    with open_project(path, backup=False) as store:
        assert [e.date for e in store.events()] == [None]
        assert store.source("paper-a").published is None
        assert chartdata.event_marks(store) == []
        (h,) = store.history(BAD_UUID)
        assert h.before == {"unreadable": "not json"} and h.after == {"unreadable": "[1, 2]"}
        before = fingerprint(store)
        with pytest.raises(Exception, match="published: the stored date 'soon'"):
            store.update_source("paper-a", title="A new title")  # would silently erase 'soon'
        assert fingerprint(store) == before


def test_a_record_read_cut_short_cannot_be_saved_back_cut(tmp_path):
    """A 1 MB note is read only to its limit + 1; saving the record unchanged is refused, the note kept."""
    path = tmp_path / "long.db"
    store = make_store(path)
    (uuid, *_) = _good_records(store)
    store.close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE records SET evidence = ? WHERE uuid = ?", ["n" * 1_000_000, uuid])
    conn.commit()
    conn.close()
    with open_project(path, backup=False) as store:
        r = store.record(uuid)
        assert len(r.evidence) == 20_001 and r.problem("evidence").startswith("is 1,000,000 characters long")
        before = fingerprint(store)
        with pytest.raises(Exception, match="evidence"):
            store.update_record(uuid, r.version, score=0.0)
        assert fingerprint(store) == before


_dates = st.one_of(st.sampled_from(["2021-02-30", "2021-02-28", "2020-02-29", "0000-01-01", "9999-12-31",
                                    "2021-01-01", "2021-1-01", "garbage", "", "2021-01-01T00", "NaT"]),
                   st.dates().map(str), st.text(max_size=12), st.integers(), st.none())
_scores = st.one_of(st.floats(allow_nan=True), st.integers(-5, 5), st.text(max_size=4), st.none(), st.booleans())
_rows = st.lists(st.tuples(_dates, st.sampled_from(["day", "month", "year", "week", None]), _scores,
                           st.sampled_from(["low", "medium", "high", "sure", None])), max_size=8)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(_rows)
def test_the_fast_column_check_never_passes_a_row_the_rule_refuses(rows):
    """observations_sound is only a shortcut: True means chart_problem finds nothing in any row."""
    if not rows:
        return
    ok = observations_sound(*zip(*rows))
    if ok:
        assert all(chart_problem(*row) is None for row in rows)
    if all(chart_problem(*row) is None for row in rows) and all(type(r[2]) in (int, float) for r in rows):
        assert ok  # and sound columns take the fast path


def test_visible_spells_out_controls_and_cuts():
    """Stored text is shown with controls and direction marks spelled out, cut to a limit."""
    assert visible("a\x1b[2Jb\u202e", 100) == "a\\x1b[2Jb\\u202e"
    assert visible("x" * 10, 4) == "xxxx…"
    assert visible(None) == "" and visible(b"\xff") == "\ufffd" and visible(12) == "12"
    assert math.isnan(float("nan"))  # (NaN cannot be stored: SQLite keeps it as NULL)


# ------------------------------------------------------------------ the command line
@pytest.mark.parametrize("args, shown, note", [
    (["records", "--limit", "0"], "2021-02-30!", "1 record marked ! holds a value that breaks a rule"),
    (["shifts"], "shift", "1 record with an invalid date not drawn"),
    (["stats"], "last date: 2022-06-01", "1 record with a date that is not a real date"),
    (["chart", "--kind", "timeline", "-a", "sadr", "-d", "iran", "-o", "{tmp}/t.png"], "Wrote",
     "1 record with an invalid date not drawn"),
    (["chart", "--kind", "profile", "-a", "sadr", "-o", "{tmp}/p.svg"], "Wrote", "not drawn"),
    (["history", BAD_UUID], "", ""),
])
def test_cli_listings_print_the_others_with_a_note(bad_db, tmp_path, args, shown, note):
    """records, shifts, stats, chart and history exit 0, print the sound records and note the bad one."""
    path, _ = bad_db
    before = fingerprint(path)
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    res = CliRunner().invoke(cli, ["--db", str(path), *args], catch_exceptions=False)
    assert res.exit_code == 0, res.stderr
    assert shown in res.stdout and note in res.stderr
    assert "internal error" not in res.stderr and "Traceback" not in res.stderr
    if args[0] == "records":
        assert res.stdout.count("\n") == 8 and "bell \\x07" in res.stdout and "\x07" not in res.stdout
    assert fingerprint(path) == before


# ------------------------------------------------------------------ the window
@pytest.fixture
def bad_window(qtbot, worst_db, tmp_path):
    from PySide6.QtCore import QSettings
    from stancetracker.gui.main_window import QtMainWindow
    path, good = worst_db
    store = open_project(path, backup=False)
    w = QtMainWindow(store, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w, before_close_func=lambda w: (w._poll.stop(), w.editor.clear_for_new(keep_context=False)))
    w.show()
    qtbot.waitExposed(w)
    yield w, good
    store.close()


@pytest.mark.slow
def test_window_marks_the_record_draws_without_it_and_opens_it(qtbot, bad_window):
    """The table marks the bad cells, the timeline leaves the record out and says so, the editor opens it."""
    from PySide6.QtCore import Qt
    from stancetracker.gui.records_model import PROBLEMS_ROLE, UUID_ROLE
    w, good = bad_window
    m = w.model
    rows = {m.index(i, 0).data(UUID_ROLE): i for i in range(m.rowCount())}
    assert set(good) | {BAD_UUID, CHECKED_LIVE["uuid"]} == set(rows)
    bad = rows[BAD_UUID]
    assert m.index(bad, 0).data() == "2021-02-30"
    assert m.index(bad, 0).data(Qt.ItemDataRole.DecorationRole) is not None  # the warning icon
    assert "date:" in m.index(bad, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert m.index(bad, 8).data(Qt.ItemDataRole.DecorationRole) is not None  # evidence marked too
    assert {c for c, _ in m.index(bad, 0).data(PROBLEMS_ROLE)} >= {"date", "evidence", "coder"}
    assert m.index(bad, 9).data() == ""  # the empty coder, marked
    assert all(m.index(rows[u], 0).data(Qt.ItemDataRole.DecorationRole) is None for u in good)
    assert m.index(rows[CHECKED_LIVE["uuid"]], 3).data() == "7.0"  # as stored (REAL), out of range

    panel = w.charts
    w.actor_list.set_checked(["sadr", "maliki"])
    with qtbot.waitSignal(panel.redrawn, timeout=5000):
        panel.redraw_now()
    data = panel.timeline.data
    drawn = {u for tr in data.traces for g in tr.uuids for u in g}
    assert drawn == set(good)
    assert panel.status.text() == ("2 records with an invalid date or score not drawn "
                                   "(stancetracker check lists them)")

    w.select_record(BAD_UUID)
    ed = w.editor
    assert ed.current.uuid == BAD_UUID
    assert ed.date.text() == "2021-02-30" and ed.stored_problems.isVisible()
    for column in ("date", "evidence", "coder", "created_at", "version"):
        assert f"• {column}:" in ed.stored_problems.text()
    assert not ed.save_button.isEnabled() and ed._errors["date"].text()
    assert not ed.is_dirty()  # only looking at it asks nothing when moving on
    w.select_record(good[0])
    assert ed.current.uuid == good[0] and not ed.stored_problems.isVisible()


def test_fixing_the_record_in_the_editor_saves_it(qtbot, bad_window):
    """Typing a real date, a coder and clean text in the form makes the record savable and sound."""
    w, _ = bad_window
    w.select_record(BAD_UUID)
    ed = w.editor
    ed.date.setText("2021-02-28")
    ed.locator.setText("p. 1")
    ed.evidence.setPlainText("a clean note")
    ed.coder.setText("ana")
    assert ed.save_button.isEnabled(), {k: v.text() for k, v in ed._errors.items()}
    ed.request_save()
    r = w.hub.store.record(BAD_UUID)
    assert r.shown("date") == "2021-02-28" and r.evidence == "a clean note"
    assert {c for c, _ in r.problems} == {"uuid", "created_at", "version"}  # what the form cannot change


@pytest.mark.slow
def test_the_real_application_starts_offscreen_on_the_file(worst_db, tmp_path):
    """`stancetracker --db FILE`, started for real offscreen on the file, runs until told to quit."""
    path, _ = worst_db
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from PySide6.QtCore import QTimer\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication(sys.argv[:1])\n"
        "def done():\n"
        "    win = [w for w in app.topLevelWidgets() if w.isVisible()]\n"
        "    print('shown:', ','.join(sorted(type(w).__name__ for w in win)), flush=True)\n"
        "    app.quit()\n"
        "QTimer.singleShot(1500, done)\n"
        "from stancetracker.gui.main import run\n"
        "sys.exit(run(Path(sys.argv[1]), explicit=True))\n")
    import os
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", STANCETRACKER_HOME=str(tmp_path / "home"),
               XDG_CONFIG_HOME=str(tmp_path / "config"), STANCETRACKER_CODER="tester", HOME=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, env=env,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    # The window and, at this first launch, the start page beside it (issue 16): no error box, nothing else.
    assert out.stdout.strip() == "shown: QtMainWindow,QtStartPage"
    assert "Traceback" not in out.stderr and "internal error" not in out.stderr
    assert not (tmp_path / "home" / "crash.log").exists()


def test_bad_actor_values_and_membership_dates_do_not_stop_a_chart(bad_db):
    """A colour 'javascript:alert(1)', a kind 'wizard' and a membership dated 2021-13-01 still chart."""
    from stancetracker.core.model.entities import Membership
    path, _ = bad_db
    with open_project(path, backup=False) as store:
        store.add_membership(Membership(member="sadr", group="maliki", start=parse_date("2020")))
    conn = sqlite3.connect(path)
    conn.execute("UPDATE actors SET colour = 'javascript:alert(1)', kind = 'wizard' WHERE slug = 'sadr'")
    conn.execute("UPDATE memberships SET start = '2021-13-01'")
    conn.commit()
    conn.close()
    with open_project(path, backup=False) as store:
        data = chartdata.build(store, chartdata.ChartRequest("profile", ["sadr"]))
        assert data.colour.startswith("#") and data.colour != "javascript:alert(1)"
        assert [b.open_start for b in data.bands] == [True]
        timeline = chartdata.build(store, chartdata.ChartRequest("timeline", ["sadr", "maliki"], "iran"))
        assert all(t.colour.startswith("#") for t in timeline.traces)


def test_cli_events_list_survives_an_event_without_a_real_date(bad_db):
    """`stancetracker events` lists an event whose stored date is 2021-02-30 as having no date."""
    path, _ = bad_db
    with open_project(path, backup=False) as store:
        store.add_event(Event(slug="e", date=parse_date("2021-01-01"), label="an event"))
    conn = sqlite3.connect(path)
    conn.execute("UPDATE events SET date = '2021-02-30'")
    conn.commit()
    conn.close()
    res = CliRunner().invoke(cli, ["--db", str(path), "events"], catch_exceptions=False)
    assert res.exit_code == 0 and "(no date)" in res.stdout and "an event" in res.stdout


_any_value = st.one_of(st.none(), st.text(max_size=30), st.integers(), st.floats(allow_nan=True),
                       st.binary(max_size=12), st.sampled_from(["2021-02-30", "2021-01-01", "day", "low", 1.5]))


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(st.lists(_any_value, min_size=24, max_size=24))
def test_any_stored_row_becomes_a_record_row(values):
    """Whatever each column holds (NULL, text, numbers, NaN, blobs), the row converts and shows as text."""
    values[0] = 1
    r = row_from_tuple(tuple(values))
    for column in ("date", "score", "confidence", "locator", "evidence", "coder"):
        assert isinstance(r.shown(column), str)
    assert (r.date is None) == (r.problem("date") is not None)
    assert (r.score is None) == (r.problem("score") is not None)


@pytest.mark.slow
@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(_any_value, _any_value, _any_value, _any_value, st.just("u")), max_size=12))
def test_any_stored_rows_build_a_series(rows):
    """A series is built from any rows: sound ones are drawn, the others counted, none lost in between."""
    s = series.build_series("a", "d", rows)
    assert int(s.n.sum()) + sum(s.skipped.values()) == len(rows)
    assert np.isfinite(s.score).all()
