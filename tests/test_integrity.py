"""`check` finds damage in plain words; risky_location warns about synced folders and network shares."""

import sqlite3

from stancetracker.core.db.integrity import check, risky_location
from stancetracker.core.db.schema import SCHEMA_VERSION

from conftest import fingerprint, make_store


def test_sound_database_passes_every_check(store):
    """A healthy database: no problems, and the file is not changed by checking it."""
    before = fingerprint(store)
    report = check(store.path)
    assert report.ok, report.lines()
    assert any("integrity check passed" in line for line in report.lines())
    assert any("search indexes match" in line for line in report.lines())
    assert fingerprint(store) == before


def test_foreign_key_orphans_and_bad_values_are_reported(tmp_path):
    """Rows edited outside the app (dangling references, out-of-range scores) are problems."""
    s = make_store(tmp_path / "x.db")
    s.close()
    c = sqlite3.connect(tmp_path / "x.db")
    c.execute("PRAGMA foreign_keys = OFF")
    c.execute("PRAGMA ignore_check_constraints = ON")
    c.execute("INSERT INTO records (uuid, actor_id, dimension_id, date, date_precision, score, confidence, coder,"
              " created_at, updated_at) VALUES ('u1', 999, 1, '2020-02-30', 'day', 7, 'high', 'x', '', '')")
    c.commit()
    c.close()
    report = check(tmp_path / "x.db")
    assert not report.ok
    text = "\n".join(report.problems)
    assert "refer to rows that do not exist (records → actors)" in text
    assert "column score: u1 (first: 7 is outside the range -2 to 2)" in text
    assert "column date: u1 (first: '2020-02-30' is not a real date)" in text


def test_search_index_out_of_step_is_reported(tmp_path):
    """A record inserted with the index triggers bypassed is found missing from the search index."""
    s = make_store(tmp_path / "f.db")
    s.close()
    c = sqlite3.connect(tmp_path / "f.db")
    c.execute("DROP TRIGGER records_ai")
    c.execute("INSERT INTO records (uuid, actor_id, dimension_id, date, date_precision, score, confidence, coder,"
              " created_at, updated_at) VALUES ('u1', 1, 1, '2020-01-01', 'day', 1, 'high', 'x', '', '')")
    c.commit()
    c.close()
    report = check(tmp_path / "f.db")
    assert any("search index is out of step: 1 record(s) missing" in p for p in report.problems)


def test_damaged_and_foreign_files_are_problems_not_crashes(tmp_path):
    """Not SQLite, truncated, newer schema: each is one plain problem line."""
    (tmp_path / "t.db").write_text("hello\n" * 50)
    assert "not an SQLite file" in check(tmp_path / "t.db").problems[0]
    s = make_store(tmp_path / "n.db")
    s.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    s.close()
    assert "newer version" in check(tmp_path / "n.db").problems[0]
    s = make_store(tmp_path / "cut.db")
    s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    s.close()
    data = (tmp_path / "cut.db").read_bytes()
    (tmp_path / "cut.db").write_bytes(data[: len(data) // 2])
    assert "truncated" in check(tmp_path / "cut.db").problems[0]
    assert "no such file" in check(tmp_path / "missing.db").problems[0]


def test_cloud_folders_are_risky(tmp_path):
    """Dropbox, OneDrive, iCloud, Google Drive, Nextcloud … folders get a warning; a plain folder none."""
    for folder in ("Dropbox", "OneDrive - Contoso", "Mobile Documents", "Google Drive", "Nextcloud", "pCloud Drive",
                   "Box", "Sync", "CloudStorage"):
        msg = risky_location(f"/home/ana/{folder}/project/team.db")
        assert msg and "cloud" in msg, folder
    assert risky_location(tmp_path / "team.db", mounts=tmp_path / "no-mounts") is None


def test_network_file_systems_are_risky(tmp_path):
    """A file on an NFS, SMB or sshfs mount (per the mount table), or a UNC path, gets a warning."""
    mounts = tmp_path / "mounts"
    mounts.write_text("/dev/sda1 / ext4 rw 0 0\n"
                      "srv:/export /mnt/team nfs4 rw 0 0\n"
                      "//srv/share /mnt/smb\\040share cifs rw 0 0\n"
                      "u@h:/x /mnt/ssh fuse.sshfs rw 0 0\n")
    assert "nfs4" in risky_location("/mnt/team/a/team.db", mounts=mounts)
    assert "cifs" in risky_location("/mnt/smb share/team.db", mounts=mounts)
    assert "fuse.sshfs" in risky_location("/mnt/ssh/team.db", mounts=mounts)
    assert risky_location("/mnt/teamwork/team.db", mounts=mounts) is None
    assert "network share" in risky_location(r"\\server\share\team.db")
