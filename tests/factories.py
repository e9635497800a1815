"""Plain factory functions: reference data, cases, and steps through the service layer."""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import inspect, text
from sqlmodel import Session

from sanctions.app import App
from sanctions.cases import composition, views
from sanctions.cases import service as cases
from sanctions.cases.changes import LetterData, Written
from sanctions.cases.guards import competent_official
from sanctions.cases.opening import OpenCaseInput, opening_workflow
from sanctions.db import session_scope
from sanctions.db.models import Case
from sanctions.law.names import SUMMONS_LETTERS
from sanctions.registry import service as registry
from sanctions.registry.employees import EmployeeInput
from tests.letterdata import SIGNER, SUPERIOR, letter_data_for, sample_letter_data

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
TODAY = NOW.date()

PNS_NIP = "198609262015051001"  # born 26 Sep 1986, CPNS May 2015, male, serial 001
PPPK_NIP = "199001152022212003"  # born 15 Jan 1990, PPPK 2022, contract code 21, female

# actor -> (roles, agency-bound?)
ACTORS: dict[str, tuple[list[str], bool]] = {
    "admin": (["admin"], False),
    "bawaslu": (["bawaslu"], False),
    "pengawas": (["pengawas"], False),
    "bkpsdm": (["kepegawaian"], True),
    "bupati": (["pejabat"], True),
    "atasan": (["atasan"], True),
    "tim": (["tim_pemeriksa"], True),
    "sekda": (["atasan_pejabat"], True),
    "bpasn": (["bpasn"], False),
    "majelis": (["majelis"], True),
    "job": (["penjadwal"], False),  # the account the daily reminder job runs as
}

KNOWN_ROLES = sorted({r for roles, _ in ACTORS.values() for r in roles})


def grant_cli_user(
    app: App, db_url: str, roles: list[str], *, agency_code: str | None = None
) -> str:
    """Grant `roles` to the user the command line acts as on `db_url` (the OS account on
    SQLite, the connecting user on PostgreSQL); returns that user's name."""
    from click.testing import CliRunner

    from sanctions.cli import cli

    result = CliRunner().invoke(cli, ["user", "whoami"], env={"SANCTIONS_DATABASE_URL": db_url})
    me = result.output.strip()
    with session_scope(app.db) as s:
        registry.add_user(
            s,
            actor="admin",
            username=me,
            roles=roles,
            known_roles=KNOWN_ROLES,
            agency_code=agency_code,
        )
    return me


# The run's snapshots (tests/conftest.py sets it): `seed` copies a seeding built once.
SNAPSHOTS: Any = None


def seed(app: App, *, agency_code: str = "SLEMAN") -> None:
    """An agency, one PNS and one PPPK employee, two contests, and every actor's roles.

    Into an empty database the seeding is copied from a snapshot of the same seeding, built
    through the services once per run, database kind and declared law (`Snapshots`, a
    tenth of a second less per test on PostgreSQL); a database holding anything already is
    seeded through the services."""
    if SNAPSHOTS is not None and _is_empty(app):
        key = f"factories.seed.{agency_code}.{app._law_key}"
        SNAPSHOTS.restore(key, app, lambda built: _seed(built, agency_code=agency_code))
        return
    _seed(app, agency_code=agency_code)


def _is_empty(app: App) -> bool:
    with app.db.connect() as conn:
        held = conn.execute(
            text("SELECT EXISTS (SELECT 1 FROM app_users) OR EXISTS (SELECT 1 FROM agencies)")
        ).scalar()
    return not held


def _seed(app: App, *, agency_code: str) -> None:
    with session_scope(app.db) as s:
        registry.add_user(
            s,
            actor="admin",
            username="admin",
            roles=["admin"],
            known_roles=KNOWN_ROLES,
            agency_code=None,
        )
        add_agency(s, agency_code)
        add_issuers(s)
        for actor, (roles, bound) in ACTORS.items():
            if actor != "admin":
                registry.add_user(
                    s,
                    actor="admin",
                    username=actor,
                    roles=roles,
                    known_roles=KNOWN_ROLES,
                    agency_code=agency_code if bound else None,
                )
        add_employee(s, PNS_NIP, "PNS", agency_code, name="Budi Santoso, S.Pd.")
        add_employee(s, PPPK_NIP, "PPPK", agency_code, name="Siti Aminah, A.Md.Kep.")
        registry.add_contest(
            s,
            registry.ContestInput(
                code="PILKADA-SLEMAN-2024",
                name="Pemilihan Bupati Sleman 2024",
                kind="pilkada",
                region="Kabupaten Sleman",
                candidate_determination_date=date(2024, 9, 22),
                campaign_start=date(2024, 9, 25),
                campaign_end=date(2024, 11, 23),
                bawaslu_code=BAWASLU_CODE,
            ),
            actor="admin",
        )
        registry.add_contest(
            s,
            registry.ContestInput(
                code="PEMILU-2024",
                name="Pemilihan Umum 2024",
                kind="pemilu",
                candidate_determination_date=date(2023, 11, 13),
                bawaslu_code=BAWASLU_CODE,
            ),
            actor="admin",
        )


BAWASLU_CODE = "BAWASLU-SLEMAN"
BPASN_CODE = "BPASN"


def add_issuers(s: Session) -> None:
    """The other bodies whose letters a case carries: the contest's Bawaslu office, the
    supervisory bodies (KASN, BKN) and BPASN (the receipt of a banding), each with its own
    numbering."""
    for data in (
        registry.AgencyInput(
            code=BAWASLU_CODE,
            name="Badan Pengawas Pemilihan Umum Kabupaten Sleman",
            kind="daerah",
            city="Sleman",
            ppk_title="Ketua Bawaslu Kabupaten Sleman",
            ppk_name="Arjuna Al Ichsan Siregar",
            address="Jalan Candi Gebang Nomor 11, Sleman",
            unit_code="PP.01",
            numbering_pattern="{seq}/{code}/{unit}/{roman_month}/{year}",
        ),
        registry.AgencyInput(
            code="BKN",
            name="Badan Kepegawaian Negara",
            kind="pusat",
            city="Jakarta",
            ppk_title="Kepala Badan Kepegawaian Negara",
            ppk_name="Dr. Kepala BKN",
            ppk_nip="196908281994031001",
            address="Jalan Mayjen Sutoyo Nomor 12, Jakarta",
            unit_code="DWASDAL",
            numbering_pattern="{sifat_prefix}-{seq}/{agency}/{unit}/{month:02d}/{year}",
        ),
        registry.AgencyInput(
            code="KASN",
            name="Komisi Aparatur Sipil Negara",
            kind="pusat",
            city="Jakarta",
            ppk_title="Ketua Komisi Aparatur Sipil Negara",
            ppk_name="Prof. Dr. Ketua KASN",
            address="Jalan Letjen M.T. Haryono Kav. 52-53, Jakarta Selatan",
            unit_code="KASN",
            numbering_pattern="{sifat_prefix}-{seq}/{agency}/{month:02d}/{year}",
        ),
        registry.AgencyInput(
            code=BPASN_CODE,
            name="Badan Pertimbangan Aparatur Sipil Negara",
            kind="pusat",
            city="Jakarta",
            ppk_title="Ketua Badan Pertimbangan Aparatur Sipil Negara",
            ppk_name="Ketua BPASN",
            address="Jalan Jenderal Sudirman Kav. 69, Jakarta Selatan",
            unit_code="SET.BPASN",
            numbering_pattern="{seq}/{agency}/{unit}/{month:02d}/{year}",
        ),
    ):
        registry.add_agency(s, data, actor="admin")


def add_agency(s: Session, code: str) -> None:
    registry.add_agency(
        s,
        registry.AgencyInput(
            code=code,
            name=f"Badan Kepegawaian dan Pengembangan SDM {code.title()}",
            kind="daerah",
            city="Sleman",
            ppk_title="Bupati Sleman",
            ppk_name="Drs. Harda",
            parent="PEMERINTAH KABUPATEN SLEMAN",
            # A second regency needs numbers of its own (the pattern is the same).
            unit_code="BKPSDM" if code == "SLEMAN" else f"BKPSDM.{code}",
        ),
        actor="admin",
    )


UNIT_OFFICE_CODE = "SMPN1-SLEMAN"


def add_unit_office(s: Session) -> None:
    """The seeded employees' unit as an issuer of its own: the school whose head, the direct
    superior, signs the temporary release on the school's kop and in its register."""
    registry.add_agency(
        s,
        registry.AgencyInput(
            code=UNIT_OFFICE_CODE,
            name="SMP Negeri 1 Sleman",
            kind="daerah",
            city="Sleman",
            ppk_title="Kepala SMP Negeri 1 Sleman",
            ppk_name="Dra. Sri Wahyuni, M.Pd.",
            ppk_nip="196805121993032006",
            parent="PEMERINTAH KABUPATEN SLEMAN",
            address="Jalan Bhayangkara Nomor 20, Sleman",
            unit_code="SMPN1",
        ),
        actor="admin",
    )


def add_employee(s: Session, nip: str, kind: str, agency: str, *, name: str) -> None:
    birth = date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    registry.add_employee(
        s,
        EmployeeInput(
            nip=nip,
            employee_type=kind,
            name=name,
            birth_date=birth,
            sex="L" if nip[14] == "1" else "P",
            position="Guru Ahli Pertama",
            position_type="fungsional",
            agency_code=agency,
            rank="Penata Muda, III/a",
            unit="SMP Negeri 1 Sleman",
            address="Jl. Kaliurang Km 10, Sleman",
        ),
        actor="admin",
        today=TODAY,
    )


def open_case(
    app: App,
    *,
    violations: tuple[str, ...] = ("DIS-02",),
    act_date: date = date(2024, 10, 3),
    reported_on: date = date(2024, 10, 7),
    nip: str = PNS_NIP,
    contest: str = "PILKADA-SLEMAN-2024",
    actor: str = "bawaslu",
    letter_data: LetterData | None = None,
    workflow_version: str | None = None,
    act_date_reason: str | None = None,
    office: str | None = None,
) -> str:
    """Open a case; its receipt is issued with the sample values unless `letter_data`."""
    with session_scope(app.db) as s:
        data = OpenCaseInput(
            nip=nip,
            contest_code=contest,
            reported_on=reported_on,
            act_date=act_date,
            violation_codes=list(violations),
            description="Unggahan kampanye di Facebook",
            workflow_version=workflow_version,
            act_date_reason=act_date_reason,
            office=office,
        )
        workflow = opening_workflow(app, data)
        given = (
            sample_letter_data(
                workflow.state(workflow.initial).letters, on=reported_on, act=act_date
            )
            if letter_data is None
            else letter_data
        )
        result = cases.open_case(app, s, data, actor=actor, now=NOW, letter_data=given)
        return result.case.reference


def step(
    app: App,
    reference: str,
    trigger: str,
    actor: str,
    on: date,
    letter_data: LetterData | None = None,
    **inputs: str,
) -> Written:
    """Take a step; the letters it issues get the sample values unless `letter_data`."""
    with session_scope(app.db) as s:
        given = (
            letter_data
            if letter_data is not None
            else _sample_for(app, s, reference, trigger, inputs, on)
        )
        return cases.advance(
            app, s, reference, trigger, inputs=inputs, actor=actor, on=on, now=NOW,
            letter_data=given,
        )  # fmt: skip


def _sample_for(
    app: App, s: Session, reference: str, trigger: str, inputs: Mapping[str, str], on: date
) -> LetterData:
    case = views.case_by_reference(s, reference)
    data = letter_data_for(
        app.workflow(case.workflow_version), case.state, trigger, on=on, act=case.act_date
    )
    return with_decree_signer(app, s, case, trigger, inputs, data)


def with_decree_signer(
    app: App,
    s: Session,
    case: Case,
    trigger: str,
    inputs: Mapping[str, str],
    data: dict[str, dict[str, Any]],
) -> dict[str, dict[str, Any]]:
    """`data`, with the signer of a decree decided by an official other than the PPK (the
    officer names them: such a decree is not signed in the PPK's name)."""
    specs = [t for t in app.workflow(case.workflow_version).transitions if t.trigger == trigger]
    takes = any(t.input("official") is not None for t in specs)
    official = inputs.get("official")
    if takes and official is None and inputs.get("sanction"):
        ctx = cases.guard_context(app, s, case, on=case.reported_on, inputs=inputs)
        resolution = competent_official(ctx)
        official = None if isinstance(resolution, str) else resolution.default
    if official not in (None, "ppk") and "sk_hukuman_disiplin" in data:
        data = {**data, "sk_hukuman_disiplin": {**data["sk_hukuman_disiplin"], "signer": SIGNER}}
    members = case.facts.get("members") or inputs.get("members")
    if not (members and composition.is_structured(members)):
        # examined without a team: the direct superior signs the summons (authority.yaml)
        for kind in SUMMONS_LETTERS:
            if kind in data and "signer" not in data[kind]:
                data = {**data, kind: {**data[kind], "signer": SUPERIOR}}
    return data


@dataclass(frozen=True)
class Step:
    trigger: str
    actor: str
    on: date
    inputs: dict[str, str]


def s(trigger: str, actor: str, on: str, **inputs: str) -> Step:
    return Step(trigger, actor, date.fromisoformat(on), inputs)


def walk_together(app: App, walks: list[tuple[str, list[Step]]]) -> None:
    """Several cases' steps taken in the order of their dates (steps of one day in the order
    given): each office numbers its letters as an agenda book does, in date order, so cases
    walked side by side are walked as the offices would have dealt with them."""
    merged = heapq.merge(
        *([(ref, st) for st in steps] for ref, steps in walks), key=lambda x: x[1].on
    )
    for ref, st in merged:  # each case's own steps stay in their order
        step(app, ref, st.trigger, st.actor, st.on, **st.inputs)


def later(steps: list[Step], days: int) -> list[Step]:
    """`steps` each taken `days` later (a second case reported after the first)."""
    return [Step(st.trigger, st.actor, st.on + timedelta(days=days), st.inputs) for st in steps]


def walk(app: App, reference: str, steps: list[Step]) -> str:
    state = ""
    for st in steps:
        state = step(app, reference, st.trigger, st.actor, st.on, **st.inputs).case.state
    return state


# Prefixes shared by many paths, dated for the Pilkada Sleman 2024 contest.
REPORT_TO_RECOMMENDATION = [
    s("kaji", "bawaslu", "2024-10-08"),
    s("teruskan", "bawaslu", "2024-10-10"),
    s("minta_klarifikasi", "pengawas", "2024-10-14"),
]


def recommended(level: str, **extra: str) -> list[Step]:
    return [
        *REPORT_TO_RECOMMENDATION,
        s("rekomendasikan", "pengawas", "2024-10-21", level=level, **extra),
    ]


def snapshot(app: App) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to prove a refused command changed nothing."""
    tables = [t for t in inspect(app.db).get_table_names() if t != "alembic_version"]
    with app.db.connect() as conn:
        return {
            t: sorted(tuple(map(str, r)) for r in conn.execute(text(f'SELECT * FROM "{t}"')))
            for t in tables
        }
