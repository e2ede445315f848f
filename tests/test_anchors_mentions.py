"""Coded passages found again after edits; actor mentions found in a text (groundwork for issue 7)."""

from stancetracker.core.coding.anchors import make_anchor, reanchor, reanchor_all
from stancetracker.core.coding.mentions import MentionFinder, paragraphs
from stancetracker.core.model.entities import Actor

TEXT = ("Sadr called the march against the US presence.\n\n"
        "Maliki sought an overture to Sadr, which he rebuffed.\n\n"
        "The Framework demanded a veto over the premier.")


def anchor_of(text, quote):
    i = text.index(quote)
    return make_anchor(text, i, i + len(quote))


def test_offsets_point_at_exactly_the_quoted_words():
    """An anchor's offsets select exactly its quote."""
    a = anchor_of(TEXT, "sought an overture")
    assert TEXT[a.start:a.end] == "sought an overture" == a.quote


def test_insert_before_moves_the_passage():
    """Text inserted before a passage moves it; the new offsets still select the quote."""
    a = anchor_of(TEXT, "sought an overture")
    new_text = "Editor's note: corrected.\n\n" + TEXT
    r = reanchor(a, new_text)
    assert r.status == "moved" and new_text[r.new.start:r.new.end] == "sought an overture"


def test_insert_after_leaves_it_in_place():
    """Text added after a passage leaves it exactly where it was."""
    a = anchor_of(TEXT, "sought an overture")
    r = reanchor(a, TEXT + "\n\nA later paragraph.")
    assert r.status == "exact" and (r.new.start, r.new.end) == (a.start, a.end)


def test_insert_inside_is_reported_lost_not_shifted():
    """Words inserted inside a coded passage: it is listed as lost, never moved onto other words."""
    a = anchor_of(TEXT, "sought an overture")
    r = reanchor(a, TEXT.replace("sought an overture", "sought, quietly, an overture"))
    assert r.status == "lost" and r.new is None and "no longer" in r.reason


def test_repeated_quote_is_resolved_by_its_context():
    """A quote that now occurs twice is placed by its surrounding text."""
    a = anchor_of(TEXT, "Sadr, which")
    new_text = "Note: Sadr, which is a name, appears here too.\n\n" + TEXT
    r = reanchor(a, new_text)
    assert r.status == "moved" and new_text[r.new.start - 15:r.new.start] == "an overture to "


def test_ambiguous_quote_without_context_is_lost():
    """Two equally good places: the passage is reported, not guessed."""
    a = make_anchor("xx Sadr yy", 3, 7, context=0)
    r = reanchor(a, "a Sadr b Sadr c")
    assert r.status == "lost" and "2 times" in r.reason


def test_rewrapped_lines_still_match():
    """A re-import that only re-wraps lines keeps the passage."""
    a = anchor_of(TEXT, "demanded a veto over the premier")
    found, lost = reanchor_all([a], TEXT.replace("a veto over", "a veto\nover"))
    assert not lost and found[0].new.quote == "demanded a veto\nover the premier"


def test_paragraphs_split_on_blank_lines():
    """Paragraphs are the blocks between blank lines, with their offsets."""
    spans = paragraphs(TEXT)
    assert [TEXT[s:e][:6] for s, e in spans] == ["Sadr c", "Maliki", "The Fr"]


def test_mentions_ignore_case_diacritics_and_article():
    """Spellings with accents, other case or the al- article are found and mapped to the right words."""
    finder = MentionFinder([Actor(slug="sadr", name="Muqtada al-Sadr", aliases=["Moqtada al-Sadr", "Sadr"]),
                            Actor(slug="maliki", name="Nouri al-Maliki")])
    text = "MOQTADA AL-ṢADR met Nouri Maliki; later al-Sadr spoke. Sadrists are not Sadr."
    found = [(text[m.start:m.end], m.actor) for m in finder.find(text)]
    assert found == [("MOQTADA AL-ṢADR", "sadr"), ("Nouri Maliki", "maliki"), ("al-Sadr", "sadr"), ("Sadr", "sadr")]


def test_possessive_mentions_are_found_without_the_s():
    """'Sadr's supporters' and 'Maliki’s allies' name the actors; the 's is left out of the mark."""
    finder = MentionFinder([Actor(slug="sadr", name="Muqtada al-Sadr", aliases=["Sadr"]),
                            Actor(slug="maliki", name="Nouri al-Maliki", aliases=["Maliki"])])
    text = "Sadr's supporters and Maliki’s allies, not the Sadrs."
    assert [(text[m.start:m.end], m.actor) for m in finder.find(text)] == [("Sadr", "sadr"), ("Maliki", "maliki")]


def test_arabic_names_are_found_with_or_without_the_joined_article():
    finder = MentionFinder([Actor(slug="sadr", name="Muqtada al-Sadr", aliases=["مقتدى الصدر", "الصدر"])])
    text = "قال مقتدى الصدر إن الحكومة ... ثم رد الصدر"
    assert [(text[m.start:m.end], m.actor) for m in finder.find(text)] == [("مقتدى الصدر", "sadr"), ("الصدر", "sadr")]
