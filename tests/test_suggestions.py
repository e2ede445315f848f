"""'Did you mean': misspelt actor names get the closest known names, never an automatic match."""

import pytest
from click.testing import CliRunner

from stancetracker.cli.main import cli
from stancetracker.core.model.errors import NotFound
from stancetracker.core.project import open_project

from conftest import write

# Misspellings of seeded actors (none of them a name or alias in the seeds) and the actor meant.
MISSPELT = {"Maliky": "maliki", "Kataib Hezbolah": "kataib-hezbollah", "Hadi Amiry": "amiri",
            "Soleimany": "soleimani", "Kadimi": "kadhimi", "Khazaly": "khazali", "Sistany": "sistani",
            "Moqtadr al-Sadr": "sadr"}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    path = tmp_path_factory.mktemp("suggest") / "seeded.db"
    open_project(path, user="tester").close()
    return path


def run(db, *args, ok=True):
    res = CliRunner().invoke(cli, ["--db", str(db), *args])
    assert (res.exit_code == 0) == ok, res.output
    return res


def test_eight_misspellings_each_suggest_the_actor_meant_first(seeded):
    store = open_project(seeded, readonly=True, backup=False, create=False)
    try:
        for wrong, slug in MISSPELT.items():
            with pytest.raises(NotFound) as err:
                store.actor(wrong)  # still refused: a suggestion is never taken for the user
            message = str(err.value)
            assert message.startswith(f"no actor {wrong!r}") and "did you mean" in message, message
            first = message.split("did you mean", 1)[1].split(" or ")[0]
            assert f"({slug})" in first, (wrong, message)
    finally:
        store.close()


def test_a_name_like_no_actor_gets_no_suggestion(seeded):
    res = run(seeded, "records", "--actor", "Xyzzy Plugh", ok=False)
    assert "no actor 'Xyzzy Plugh'" in res.output and "did you mean" not in res.output


def test_the_actor_option_suggests_in_one_line(seeded):
    res = run(seeded, "records", "--actor", "Maliky", ok=False)
    assert res.output.strip().count("\n") == 0 and "did you mean" in res.output and "(maliki)" in res.output


def test_an_import_names_the_closest_actors_for_each_unknown_name(seeded, tmp_path):
    f = write(tmp_path / "in.csv", "actor,dimension_slug,date,score\nMaliky,iran,2020,1\nSoleimany,us,2020,1\n"
                                   "Xyzzy Plugh,us,2020,1\n")
    res = run(seeded, "import", str(f), ok=False)
    assert "unknown actors:" in res.output and "Traceback" not in res.output
    assert "Maliky (did you mean" in res.output and "(soleimani)" in res.output
    assert "nothing was imported" in res.output


@pytest.mark.slow
def test_create_actors_reports_each_new_actor_close_to_an_existing_one(tmp_path):
    db = tmp_path / "seeded.db"
    open_project(db, user="tester").close()
    f = write(tmp_path / "in.csv", "actor,dimension_slug,date,score\nMuqtada al Sadrr,iran,2020,1\n"
                                   "Soleimany,us,2020,1\nXyzzy Plugh,us,2020,1\nSoleimany,iran,2021,1\n")
    res = run(db, "import", str(f), "--create-actors")
    assert "created 'Muqtada al Sadrr' — close to existing 'Muqtada al-Sadr' (sadr)" in res.stderr
    assert "created 'Soleimany' — close to existing" in res.stderr and "(soleimani)" in res.stderr
    assert "Xyzzy" not in res.stderr  # not close to anyone: created without a note
    assert res.stderr.count("created 'Soleimany'") == 1  # once per new actor, not per row
    assert "4 records added" in res.stdout
