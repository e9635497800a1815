"""The record survives its administrator: each of the issue's 19 ways of tampering with the
database or the letter store behind the application's back is detected, and the first
finding names the record that was touched. On SQLite and PostgreSQL.

Each test builds the same history (a case walked to a recommendation with its letters, a
refusal, then a signed checkpoint kept outside the database), tampers with SQL as an
administrator would, and runs what `sanctions audit verify --since CHECKPOINT` runs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import Connection, text
from sqlmodel import select

from sanctions.app import App
from sanctions.cases import follow_up
from sanctions.db import session_scope
from sanctions.db.models import Case, Letter, LogLeaf
from sanctions.letters import store
from sanctions.trust import checkpoints, keys, log
from sanctions.trust.access import record_refusal
from sanctions.trust.audit import verify as verify_chains
from sanctions.trust.chain import ChainedEvent, event_hash
from sanctions.trust.files import check_files
from tests.factories import NOW, seed
from tests.test_letters_issued import recommend

if TYPE_CHECKING:
    from tests.conftest import Snapshots


NOT_LOGGED = "is not in the log (written behind its back)"


@dataclass
class History:
    app: App
    case_id: int
    reference: str
    checkpoint: dict[str, Any]
    public_key: str


@pytest.fixture
def history(app: App, snapshots: Snapshots, tmp_path: Path) -> History:
    snapshots.restore("redteam.seeded", app, seed)
    reference = recommend(app)
    record_refusal(app.db, actor="bantul", command="case show", reason="no role", at=NOW)
    key = keys.load_or_create(tmp_path / "key.pem")
    with session_scope(app.db) as session:
        case = session.exec(select(Case).where(Case.reference == reference)).one()
        document = checkpoints.make(session, key, now=NOW, actor="admin")
    # the checkpoint leaves the database: a file the supervisory body keeps
    kept = json.loads(json.dumps(document))
    return History(app, case.id or 0, reference, kept, key.public_hex)


def findings(h: History) -> list[str]:
    """What `audit verify --since` reports, first bad record first, as `ref: what`."""
    with session_scope(h.app.db) as session:
        state = log.verify(session)
        since = checkpoints.verify_since(session, h.checkpoint, state, trusted_key=h.public_key)
        _, chains = verify_chains(session)
        files = check_files(session, h.app.settings.letter_store)
        kept = follow_up.check(session, follow_up.laws_of(h.app.workflows.versions))
    found = [*since.findings, *state.findings, *files, *kept]
    return [f"{f.ref}: {f.what}" for f in found] + [
        f"case_events {c.reference} #{c.seq}: {c.what}" for c in chains
    ]


def tamper(h: History, *statements: str) -> None:
    with h.app.db.begin() as conn:
        for sql in statements:
            conn.execute(text(sql.format(case=h.case_id)))


def letter_id(h: History, kind: str) -> int:
    with session_scope(h.app.db) as session:
        return session.exec(select(Letter.id).where(Letter.kind == kind)).one() or 0


def test_an_untouched_history_verifies_and_grew_consistently(history: History) -> None:
    assert findings(history) == []
    with session_scope(history.app.db) as session:
        state = log.verify(session)
        grown = checkpoints.verify_since(session, history.checkpoint, state, trusted_key=None)
    assert grown.size_then == state.size > 0


def test_1_an_edited_event_is_named(history: History) -> None:
    tamper(history, "UPDATE case_events SET note = 'diubah' WHERE case_id = {case} AND seq = 3")
    assert findings(history)[0].startswith(f"case_events:{history.case_id}:3: differs")


def recompute_from(h: History, conn: Connection, first_seq: int) -> None:
    """What an administrator who knows the hashing does: the chain and the log leaves of
    every later event recomputed, so that the database agrees with itself."""
    prev = conn.execute(
        text("SELECT hash FROM case_events WHERE case_id = :c AND seq = :s"),
        {"c": h.case_id, "s": first_seq - 1},
    ).scalar_one()
    rows = conn.execute(
        text("SELECT * FROM case_events WHERE case_id = :c AND seq >= :s ORDER BY seq"),
        {"c": h.case_id, "s": first_seq},
    ).mappings()
    for row in list(rows):
        digests = conn.execute(
            text("SELECT sha256 FROM letters WHERE case_id = :c AND event_seq = :s ORDER BY id"),
            {"c": h.case_id, "s": row["seq"]},
        ).scalars()
        fields = {k: row[k] for k in ChainedEvent.__dataclass_fields__ if k in row}
        for name in ("inputs", "late"):
            if isinstance(fields[name], str):
                fields[name] = json.loads(fields[name])
        for name in ("at", "on"):
            if isinstance(fields[name], str):
                fields[name] = (date if name == "on" else datetime).fromisoformat(fields[name])
        chained = ChainedEvent(**{**fields, "letters": list(digests), "prev_hash": prev})
        new = event_hash(chained, prev)
        conn.execute(
            text("UPDATE case_events SET prev_hash = :p, hash = :h WHERE id = :id"),
            {"p": prev, "h": new, "id": row["id"]},
        )
        ref = f"case_events:{h.case_id}:{row['seq']}"
        leaf = conn.execute(text("SELECT payload FROM log_leaves WHERE ref = :r"), {"r": ref})
        payload = leaf.scalar_one()
        payload = json.loads(payload) if isinstance(payload, str) else payload
        payload.update(note=row["note"], prev_hash=prev, hash=new)
        conn.execute(
            text("UPDATE log_leaves SET payload = :p, leaf_hash = :h WHERE ref = :r"),
            {"p": json.dumps(payload), "h": log.leaf_hex(payload), "r": ref},
        )
        prev = new


def test_2_an_edit_with_the_chain_and_the_log_recomputed_is_named_by_the_checkpoint(
    history: History,
) -> None:
    tamper(history, "UPDATE case_events SET note = 'diubah' WHERE case_id = {case} AND seq = 3")
    with history.app.db.begin() as conn:
        recompute_from(history, conn, 3)
    with session_scope(history.app.db) as session:  # the database now agrees with itself
        assert log.verify(session).findings == [] and verify_chains(session)[1] == []
    first = findings(history)[0]
    assert first.startswith(f"case_events:{history.case_id}:3: changed since the checkpoint")


def test_3_deleting_the_last_event_and_rolling_the_case_back_is_named(history: History) -> None:
    with session_scope(history.app.db) as session:
        last = session.exec(
            select(LogLeaf).where(LogLeaf.ref == f"case_events:{history.case_id}:5")
        ).one()
        after4 = (
            session.exec(select(LogLeaf).where(LogLeaf.ref == f"case_events:{history.case_id}:4"))
            .one()
            .payload["after"]
        )
    tamper(
        history,
        "DELETE FROM letters WHERE case_id = {case} AND event_seq = 5",
        "DELETE FROM deadlines WHERE case_id = {case} AND opened_seq = 5",
        "UPDATE deadlines SET closed_seq = NULL, closed_on = NULL, met = NULL "
        "WHERE case_id = {case} AND closed_seq = 5",
        "DELETE FROM case_events WHERE case_id = {case} AND seq = 5",
        f"DELETE FROM log_leaves WHERE idx >= {last.idx}",
        f"UPDATE log_head SET size = {last.idx}",
    )
    with history.app.db.begin() as conn:
        conn.execute(
            text("UPDATE cases SET state = :s, version = 4, facts = :f WHERE id = :c"),
            {"s": after4["state"], "f": json.dumps(after4["facts"]), "c": history.case_id},
        )
    first = findings(history)[0]
    assert first.startswith(f"case_events:{history.case_id}:5: the log shrank")


def test_4_a_deleted_case_is_named(history: History) -> None:
    tamper(
        history,
        "DELETE FROM letters WHERE case_id = {case}",
        "DELETE FROM deadline_entries WHERE case_id = {case}",
        "DELETE FROM deadlines WHERE case_id = {case}",
        "DELETE FROM case_events WHERE case_id = {case}",
        "DELETE FROM allegations WHERE case_id = {case}",
        "DELETE FROM cases WHERE id = {case}",
    )
    assert findings(history)[0] == (
        f"cases:{history.case_id}: is in the log but its record is gone"
    )


def test_5_a_swapped_file_in_the_letter_store_is_named(history: History) -> None:
    with session_scope(history.app.db) as session:
        letter = session.exec(select(Letter).where(Letter.kind == "rekomendasi")).one()
    (history.app.settings.letter_store / letter.path).write_bytes(b"%PDF-1.7 another decision")
    first = findings(history)[0]
    assert first.startswith(f"letters:{letter.id} ({letter.number}): the stored file")


@pytest.mark.parametrize(
    ("case", "column", "value"),
    [
        ("6_declassify", "confidential", "NOT confidential"),
        ("7_renumber", "number", "'B-99/BKN/DWASDAL/10/2024'"),
        ("8_redate", "issued_on", "'2024-10-01'"),
        ("15_letter_context", "context", "'{{}}'"),
    ],
)
def test_a_letter_row_changed_behind_the_log_is_named(
    history: History, case: str, column: str, value: str
) -> None:
    target = letter_id(history, "rekomendasi")
    tamper(history, f"UPDATE letters SET {column} = {value} WHERE id = {target}")
    assert findings(history)[0].startswith(f"letters:{target}: differs from its leaf"), case


def test_9_a_forged_letter_row_is_named(history: History) -> None:
    digest, path = store.put(history.app.settings.letter_store, b"%PDF-1.7 forged decree")
    with session_scope(history.app.db) as session:
        real = session.exec(select(Letter).where(Letter.kind == "rekomendasi")).one()
        forged = Letter(**{
            **real.model_dump(exclude={"id"}), "kind": "sk_hukuman_disiplin", "seq": 900,
            "year": 2023, "number": "KEP-900", "event_seq": None, "sha256": digest, "path": path,
        })  # fmt: skip
        session.add(forged)
        session.flush()
        forged_id = forged.id
    assert (
        findings(history)[0] == f"letters:{forged_id}: is not in the log (written behind its back)"
    )


def test_10_changed_case_facts_are_named(history: History) -> None:
    tamper(history, 'UPDATE cases SET facts = \'{{"level": "ringan"}}\' WHERE id = {case}')
    first = findings(history)[0]
    assert first.startswith(f"cases:{history.case_id}: differs from its latest event: facts")


def test_11_a_moved_deadline_is_named(history: History) -> None:
    tamper(history, "UPDATE deadlines SET due_date = '2030-01-01' WHERE case_id = {case} "
                    "AND closed_seq IS NULL")  # fmt: skip
    first = findings(history)[0]
    assert first.startswith(f"deadlines:{history.case_id}:direkomendasikan.tindak_lanjut_ppk@5")


def test_12_a_changed_allegation_is_named(history: History) -> None:
    tamper(history, "UPDATE allegations SET violation_code = 'DIS-01' WHERE case_id = {case}")
    assert findings(history)[0].startswith(f"cases:{history.case_id}: differs from its leaf")


def test_13_a_deleted_refusal_is_named(history: History) -> None:
    tamper(history, "DELETE FROM access_events")
    assert findings(history)[0].startswith("access_events:1: is in the log but its record")


def test_14_a_changed_employee_snapshot_is_named(history: History) -> None:
    tamper(history, "UPDATE cases SET employee_snapshot = '{{\"name\": \"Orang Lain\"}}' "
                    "WHERE id = {case}")  # fmt: skip
    first = findings(history)[0]
    assert first.startswith(f"cases:{history.case_id}: differs from its leaf: employee_snapshot")


def test_14b_a_changed_report_column_is_named(history: History) -> None:
    # the jabatan and the codes a report groups by are copies of the snapshot and the
    # allegations the case's leaf holds: moving a case to another group is named
    tamper(history, "UPDATE cases SET position = 'Camat', violation_codes = 'DIS-99' "
                    "WHERE id = {case}")  # fmt: skip
    first = findings(history)[0]
    assert first.startswith(f"cases:{history.case_id}: its report columns disagree with its")
    assert "position" in first and "violation_codes" in first


def test_14c_a_changed_follow_up_column_is_named(history: History) -> None:
    # the follow-up facts `report followup` reads are copies of what the case's events and
    # deadlines say: moving a recommendation, or marking the PPK as having acted, is named
    tamper(history, "UPDATE cases SET recommended_on = '2024-01-02', follow_up_acted = TRUE "
                    "WHERE id = {case}")  # fmt: skip
    first = findings(history)[0]
    assert first.startswith(f"cases:{history.case_id}: its follow-up columns disagree with its")
    assert "recommended_on" in first and "follow_up_acted" in first


def test_16_a_self_granted_role_is_named(history: History) -> None:
    tamper(
        history,
        "INSERT INTO app_users (username, full_name) VALUES ('mallory', '')",
        "INSERT INTO role_grants (username, role, agency_id) VALUES ('mallory', 'admin', NULL)",
    )
    with session_scope(history.app.db) as session:
        grant = session.execute(text("SELECT max(id) FROM role_grants")).scalar_one()
    assert (
        findings(history)[0] == f"role_grants:{grant}: is not in the log (written behind its back)"
    )


def test_17_a_counter_rolled_back_is_named(history: History) -> None:
    tamper(history, "UPDATE letter_sequences SET last_seq = 0")
    assert any(f.startswith("letter_sequences:") and "already given" in f
               for f in findings(history))  # fmt: skip
    assert findings(history)[0].startswith("letter_sequences:")


def test_18_reordered_events_are_named(history: History) -> None:
    tamper(
        history,
        "UPDATE case_events SET seq = 100 WHERE case_id = {case} AND seq = 2",
        "UPDATE case_events SET seq = 2 WHERE case_id = {case} AND seq = 3",
        "UPDATE case_events SET seq = 3 WHERE case_id = {case} AND seq = 100",
    )
    assert findings(history)[0].startswith(f"case_events:{history.case_id}:2: differs")


def test_19_a_deleted_step_letter_is_named(history: History) -> None:
    target = letter_id(history, "rekomendasi")
    tamper(history, f"DELETE FROM letters WHERE id = {target}")
    assert findings(history)[0] == f"letters:{target}: is in the log but its record is gone"


def test_the_checkpoint_refuses_a_forged_signature_and_another_key(history: History) -> None:
    forged = {**history.checkpoint, "size": history.checkpoint["size"]}
    forged["signature"] = "00" * 64
    with session_scope(history.app.db) as session:
        state = log.verify(session)
        report = checkpoints.verify_since(session, forged, state, trusted_key=history.public_key)
        other = checkpoints.verify_since(session, history.checkpoint, state, trusted_key="11" * 32)
    assert report.findings[0].what == "its signature does not verify"
    assert other.findings[0].what == "it is signed by a key other than the one trusted"
