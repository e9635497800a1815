"""From a report's words to the violation code a case is opened with (`case open --describe`).

The search itself is pure (`sanctions.catalogue.search`); this module adds what the database
knows: the contest's penetapan calon date, so that the act date chooses between the ethics and
the discipline row of one conduct.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from sanctions.app import App
from sanctions.cases.penetapan import penetapan_for
from sanctions.catalogue.search import Hit, Resolution, describe_hits, resolve, search
from sanctions.errors import InputError
from sanctions.registry.service import contest_by_code

__all__ = ["code_for_description", "search_for_contest"]


def search_for_contest(
    app: App,
    session: Session,
    text: str,
    *,
    contest_code: str | None,
    act_date: date | None,
    limit: int = 5,
) -> list[Hit]:
    """The ranked codes for `text`, judged against the contest's penetapan date when both a
    contest and an act date are given."""
    penetapan = _penetapan(session, contest_code)
    return search(app.catalogue, text, act_date=act_date, penetapan_calon=penetapan, limit=limit)


def code_for_description(
    app: App, session: Session, text: str, *, contest_code: str, act_date: date
) -> Resolution:
    """The one code `text` names for an act on `act_date` in the contest; InputError, listing
    the candidates, when it names none clearly."""
    penetapan = _penetapan(session, contest_code)
    found = resolve(app.catalogue, text, act_date=act_date, penetapan_calon=penetapan)
    if found.best is None:
        shown = describe_hits(found.candidates) or "  (none)"
        raise InputError(
            f"the description does not name one violation clearly: {found.reason}. "
            f"Candidates:\n{shown}\nGive the code with --violation (see sanctions catalogue "
            "search)"
        )
    return found


def _penetapan(session: Session, contest_code: str | None) -> date | None:
    if contest_code is None:
        return None
    contest = contest_by_code(session, contest_code)
    # no office is known yet: the latest of the contest's dates (sanctions/cases/penetapan.py)
    return penetapan_for(contest.candidate_determination_date, contest.penetapan_by_office, None).on
