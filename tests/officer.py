"""A simulated officer for load and crash tests: picks an allowed step on a case and fills
its inputs the way a careful officer would (dates that satisfy the notice periods, the
recommended level, a sanction the catalogue offers for it)."""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import date, timedelta

from sqlmodel import Session, select

from sanctions.app import App
from sanctions.cases import views
from sanctions.cases.changes import last_step_date
from sanctions.cases.machine import Option
from sanctions.cases.workflow import TransitionSpec
from sanctions.db.models import CaseEvent

# A valid Tim Pemeriksa (the direct superior, supervision, personnel; none junior to the
# examinee's III/a or III/b) and a valid Majelis Kode Etik (ketua, sekretaris, three anggota),
# as an officer gives them with --set members=... (sanctions/cases/composition.py).
TEAM_MEMBERS = (
    "nama=Drs. Sutrisno, M.Pd.; nip=196803151994031005; jabatan=Kepala SMP Negeri 1 Sleman; "
    "golongan=Pembina Tingkat I, IV/b; unsur=atasan_langsung; kedudukan=ketua"
    " | nama=Ir. Wahyuni, M.M.; nip=197002021995032002; jabatan=Inspektur Pembantu Wilayah II; "
    "golongan=Pembina, IV/a; unsur=pengawasan"
    " | nama=Bambang Riyadi, S.H.; nip=197105101996031003; jabatan=Kepala Bidang Pengembangan "
    "ASN BKPSDM; golongan=Pembina, IV/a; unsur=kepegawaian; kedudukan=sekretaris"
)
PANEL_MEMBERS = (
    "nama=Drs. Sutrisno, M.Pd.; nip=196803151994031005; jabatan=Asisten Pemerintahan; "
    "golongan=Pembina Utama Muda, IV/c; kedudukan=ketua"
    " | nama=Bambang Riyadi, S.H.; nip=197105101996031003; jabatan=Sekretaris BKPSDM; "
    "golongan=Pembina, IV/a; kedudukan=sekretaris"
    " | nama=Ir. Wahyuni, M.M.; nip=197002021995032002; jabatan=Inspektur Pembantu Wilayah II; "
    "golongan=Pembina, IV/a; kedudukan=anggota"
    " | nama=Hartono, S.Sos.; nip=197208171997031004; jabatan=Kepala Bagian Hukum; "
    "golongan=Pembina, IV/a; kedudukan=anggota"
    " | nama=Dra. Sri Lestari; nip=197411252000122001; jabatan=Kepala Bidang Mutasi BKPSDM; "
    "golongan=Penata Tingkat I, III/d; kedudukan=anggota"
)


def members_for(spec: TransitionSpec) -> str:
    """The members a step that forms the team or the panel is given."""
    return PANEL_MEMBERS if "panel_composition" in spec.guards else TEAM_MEMBERS


def next_step(
    app: App, session: Session, reference: str, *, actor: str, rng: random.Random
) -> tuple[str, dict[str, str], date] | None:
    """A step the actor may take on the case now, its inputs and its date; None if none. The
    date is a day or three after the case's last step, later when the step needs it."""
    case = views.case_by_reference(session, reference)
    on = last_step_date(case) + timedelta(days=rng.randint(1, 3))
    chosen = _choose(app, session, reference, actor=actor, rng=rng, on=on, today=None)
    return chosen if isinstance(chosen, tuple) else None


def step_today(
    app: App, session: Session, reference: str, *, actor: str, rng: random.Random, today: date
) -> tuple[str, dict[str, str], date] | date | None:
    """A step the actor may take on the case on the office's business day `today` (dated
    that day), its inputs and its date; if none can be taken today, the first later day on
    which one can (a notice period, the examination date, the case's last step dated after
    today), or None if no step can be foreseen (tests/businessday.py)."""
    case = views.case_by_reference(session, reference)
    last = last_step_date(case)
    if last > today:
        return last
    return _choose(app, session, reference, actor=actor, rng=rng, on=today, today=today)


def _choose(
    app: App,
    session: Session,
    reference: str,
    *,
    actor: str,
    rng: random.Random,
    on: date,
    today: date | None,
) -> tuple[str, dict[str, str], date] | date | None:
    view = views.show_case(app, session, reference, actor=actor, on=on)
    # a step that records a fact and stays (a criminal referral noted, an upload to SIASN) is
    # recorded once: an officer does not note the same referral again while the case waits
    recorded = set(
        session.exec(select(CaseEvent.trigger).where(CaseEvent.case_id == view.case.id)).all()
    )
    options = [
        o
        for o in _takeable(view.options)
        if not (o.transition.stays and o.transition.trigger in recorded)
    ]
    # time-based guards (notice periods, waiting and serving periods) need a later date: the
    # steps they guard are judged on the date the officer would take them
    later: dict[date, set[str]] = {}
    for o in view.options:
        when = _date_for(app, o.transition, view, on)
        if when > on:
            later.setdefault(when, set()).add(o.transition.trigger)
    waiting: list[date] = []  # with `today`: the days on which a step later becomes takeable
    for when, triggers in sorted(later.items()):
        seen = views.show_case(app, session, reference, actor=actor, on=when)
        ready = [o for o in _takeable(seen.options) if o.transition.trigger in triggers]
        options = [o for o in options if o.transition.trigger not in triggers]
        if today is None:
            options += ready  # taken on that later day
        elif ready:
            waiting.append(when)  # an officer of one office waits for that day
    if not options:
        return min(waiting) if waiting else None
    # Mostly carry the case forward; now and then end it early (rejected, not proven …).
    onward = [
        o
        for o in options
        if o.transition.stays or not view.workflow.state(o.transition.dest).terminal
    ]
    # A step that records a fact and stays (a criminal referral noted, an upload to SIASN)
    # may be taken again and again: now and then only, or a case never moves on.
    moving = [o for o in onward if not o.transition.stays]
    onward = moving if moving and rng.random() < 0.9 else onward
    option = rng.choice(onward if onward and rng.random() < 0.95 else options)
    on = _date_for(app, option.transition, view, on)
    return option.transition.trigger, fill(app, option.transition, view, on=on), on


def _takeable(options: Iterable[Option]) -> list[Option]:
    """Allowed, or refused only for want of the inputs the officer fills in (the guards that
    read them run once given); never a step a guard already refuses."""
    return [
        o
        for o in options
        if (o.allowed or (o.needs and not o.reasons)) and o.transition.trigger != "pegawai_keluar"
    ]


def fill(app: App, spec: TransitionSpec, view: views.CaseView, *, on: date) -> dict[str, str]:
    values: dict[str, str] = {}
    for i in spec.inputs:
        if not i.required and i.name != "reason":
            continue
        if i.type == "date":
            values[i.name] = app.calendar.add_working_days(on, 8).isoformat()
        elif i.type == "level":
            values[i.name] = _expected_level(app, view)
        elif i.type == "sanction":
            values[i.name] = _sanction(app, view, on=on)
        elif i.type == "members":
            values[i.name] = members_for(spec)
        elif i.type == "choice":
            values[i.name] = i.choices[0]
        else:
            values[i.name] = "Catatan pemeriksaan"
    if "appeal_outcome_fits_sanction" in spec.guards and "outcome" in values:
        # an objection granted in part replaces the contested sanction with another one of
        # its level (`mengubah`), never with itself (the guard says: confirm it instead)
        other = _other_sanction(app, view, on=on)
        if other is not None:
            values["outcome"], values["sanction"] = "mengubah", other
    return values


def _other_sanction(app: App, view: views.CaseView, *, on: date) -> str | None:
    contested = view.case.facts.get("sanction")
    level = view.case.facts.get("level", "sedang")
    options = app.catalogue.sanctions_for_level(
        level, on=on, employee_type=view.employee.employee_type
    )
    return next((o.code for o in options if o.code != contested), None)


def _expected_level(app: App, view: views.CaseView) -> str:
    if any(v.fixed_sanction for v in view.allegations):
        return "pemberhentian"
    if all(v.track == "etik" for v in view.allegations):
        return "moral"
    return app.catalogue.heaviest(tuple(view.allegations)) or "sedang"


def _sanction(app: App, view: views.CaseView, *, on: date) -> str:
    level = view.case.facts.get("level", "sedang")
    options = app.catalogue.sanctions_for_level(
        level, on=on, employee_type=view.employee.employee_type
    )
    if any(v.fixed_sanction for v in view.allegations):
        return "PPPK-PHK" if view.employee.employee_type == "PPPK" else "PTDH"
    return options[0].code


def _date_for(app: App, spec: TransitionSpec, view: views.CaseView, on: date) -> date:
    facts = view.case.facts
    if spec.trigger == "nyatakan_berlaku" and facts.get("disampaikan_on"):
        received = date.fromisoformat(facts["disampaikan_on"])
        return max(on, app.calendar.add_working_days(received, 15))
    if spec.trigger in {"panggil_ulang", "catat_ketidakhadiran", "periksa"} and facts.get(
        "examination_date"
    ):
        return max(on, date.fromisoformat(facts["examination_date"]))
    if spec.trigger == "akhiri_masa_hukuman" and facts.get("berlaku_on"):
        return max(on, date.fromisoformat(facts["berlaku_on"]) + timedelta(days=370))
    return on
