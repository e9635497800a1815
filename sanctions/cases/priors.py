"""The employee's earlier sanctions, read from the database for the repeat-offence rule
(sanctions/cases/repeat.py): the guards' context and the letters that mention them."""

from __future__ import annotations

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from sanctions.cases.repeat import PriorSanction, imposed_sanction
from sanctions.db.models import Allegation, Case

# Only the other cases that recorded a sanction (the JSON test in SQL: an employee's cases
# still open before their decision are neither sent nor parsed).
_OTHER_CASES = select(col(Case.id), col(Case.reference), col(Case.state), col(Case.facts)).where(
    Case.employee_id == bindparam("employee_id"),
    Case.id != bindparam("case_id"),
    col(Case.facts)["sanction"].as_string().is_not(None),
)
_CODES = (
    select(col(Allegation.case_id), col(Allegation.violation_code))
    .where(col(Allegation.case_id).in_(bindparam("case_ids", expanding=True)))
    .order_by(col(Allegation.id))
)


def prior_sanctions(session: Session, case: Case) -> tuple[PriorSanction, ...]:
    """The sanctions imposed on the case's employee (the same NIP) in other cases and not
    annulled (sanctions/cases/repeat.py), read in two queries as plain rows."""
    connection = session.connection()  # the ORM adds nothing to a column read
    others = connection.execute(
        _OTHER_CASES, {"employee_id": case.employee_id, "case_id": case.id}
    ).all()
    decided = [o for o in others if (o[3] or {}).get("sanction")]
    if not decided:
        return ()
    codes: dict[int, list[str]] = {}
    for case_id, code in connection.execute(_CODES, {"case_ids": [o[0] for o in decided]}).all():
        codes.setdefault(case_id, []).append(code)
    found = (
        imposed_sanction(ref, state, facts, codes.get(i or 0, []))
        for i, ref, state, facts in decided
    )
    return tuple(p for p in found if p is not None)
