"""Property: any valid records survive export -> import into a new database, every field."""

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from stancetracker.core.exchange.csv_export import export_records
from stancetracker.core.exchange.record_import import import_records
from stancetracker.core.model.dates import PartialDate
from stancetracker.core.model.errors import ValidationError
from stancetracker.core.model.entities import Record, check_text

from conftest import make_store

# Text as coders write it: any script, punctuation that spreadsheets or CSV
# treat specially, quotes, commas, inner newlines; no control characters.
_alphabet = st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
text = st.text(alphabet=st.one_of(_alphabet, st.sampled_from(list("=+-@'\",;\n\r\t"))), max_size=60).map(str.strip)
line = st.text(alphabet=st.one_of(_alphabet, st.sampled_from(list("=+-@'\",;"))), max_size=40).map(str.strip)
scores = st.one_of(st.sampled_from([-2.0, -1.0, 0.0, 1.0, 2.0]),
                   st.floats(min_value=-2, max_value=2, allow_nan=False).map(lambda x: x + 0.0))
dates = st.builds(lambda d, p: PartialDate(d.replace(day=1, month=1) if p == "year" else d.replace(day=1) if p == "month" else d, p),
                  st.dates(), st.sampled_from(["day", "month", "year"]))
record = st.builds(
    Record,
    actor=st.sampled_from(["sadr", "maliki", "kadhimi", "kataib-hezbollah", "coordination-framework"]),
    dimension=st.sampled_from(["iran", "us", "militias", "consensus"]),
    date=dates, score=scores, confidence=st.sampled_from(["low", "medium", "high"]),
    source=st.sampled_from([None, "paper-a"]), locator=line, evidence=text,
    coder=line.filter(lambda t: _a_name(t)) | st.just("tester"),
)

def _a_name(text: str) -> bool:
    """A coder's name the rules accept (a visible letter, no invisible characters)."""
    try:
        return bool(check_text("coder", text, max_len=200, name=True))
    except ValidationError:
        return False


FIELDS = ("uuid", "actor", "dimension", "date", "score", "confidence", "source", "locator", "evidence",
          "coder", "created_at", "updated_at", "version", "deleted")


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(recs=st.lists(record, min_size=1, max_size=8), data=st.data())
def test_export_import_round_trip(tmp_path_factory, recs, data):
    """Random valid records -> CSV -> new database: the same records, all fields."""
    d = tmp_path_factory.mktemp("rt")
    a = make_store(d / "a.db")
    for r in recs:
        saved = a.add_record(r)
        if data.draw(st.booleans(), label="edit"):
            saved = a.update_record(saved.uuid, 1, score=data.draw(scores, label="new score"))
        if data.draw(st.booleans(), label="trash"):
            a.delete_record(saved.uuid)
    csv_path = d / "x.csv"
    export_records(a, csv_path)  # live records: the CSV layout has no trash column
    b = make_store(d / "b.db")
    if a.count():
        import_records(b, csv_path)
    snap = lambda s: sorted(tuple(getattr(r, f) for f in FIELDS) for r in s.records())
    assert snap(b) == snap(a)
    if a.count() == 0:
        assert csv_path.read_text(encoding="utf-8").count("\n") == 1  # the header alone
    a.close(), b.close()
