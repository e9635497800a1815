"""Issuing official letters inside the caller's transaction, and finding and verifying them.

Issuing = take the number of the letter's date in the issuing agency's register for the year
(sanctions/letters/register.py: the next one, or for a back-dated letter one reserved for its
date; the counter row is bumped in this transaction, so numbers are gapless: a rollback gives
the number back),
build the context, render HTML then PDF/A, store the PDF by its SHA-256, and record the
letter with the context it was rendered from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from sqlmodel import Session, col, select

from sanctions.app import App
from sanctions.cases.priors import prior_sanctions
from sanctions.cases.repeat import REPEAT_RULE, repeat_of
from sanctions.db.models import (
    Agency,
    Allegation,
    Case,
    CaseEvent,
    Contest,
    Deadline,
    IssuerSigner,
    Letter,
)
from sanctions.deadlines.rules import due_date
from sanctions.errors import InputError, NotFound, PermissionDenied, RuleViolation
from sanctions.institutions.bodies import SupervisoryBody
from sanctions.law import names
from sanctions.letters import needs, register, store
from sanctions.letters.context import (
    SUPPLIED_BY_FACT,
    EarlierLetter,
    LetterFacts,
    Party,
    build_context,
    derived_data,
    from_json,
    letterhead_of,
    to_json,
    with_verification,
)
from sanctions.letters.numbering import format_number
from sanctions.registry.signers import signer_on
from sanctions.trust.access import roles_for

if TYPE_CHECKING:
    from sanctions.printing.pdf import RenderedPdf

# How a series shows in a number that uses {series}; the counter shared by every series.
SERIES_CODES = {"surat": "S", "keputusan": "KEP", "berita_acara": "BA", "laporan": "LAP"}
# Where issue_letter leaves, in the session's `info`, what the step should warn of (a remedy's
# receipt numbered out of its register's date order); the write path's caller reads it.
LETTER_WARNINGS = "sanctions.letter_warnings"
# What a draft (a preview, a check before a step) prints where the number goes: none is
# allocated until the step is taken.
DRAFT_NUMBER = "..."


# Roles that may read a confidential (Rahasia) letter's content; others see that it exists.
def confidential_readers(app: App, case: Case) -> frozenset[str]:
    """The roles that may read a Rahasia letter of the case: declared by its workflow
    (`rules.confidential_readers`)."""
    value = app.workflow(case.workflow_version).rule_values.get(names.CONFIDENTIAL_READERS_RULE, ())
    return frozenset(str(v) for v in value) if isinstance(value, list | tuple) else frozenset()


def allocate_number(session: Session, *, agency_id: int, series: str, year: int) -> int:
    """The next number of (agency, series, year), taken in the caller's transaction.

    The UPDATE locks the counter row until commit, so parallel issuers queue on it and no
    number is given twice; a rolled-back transaction gives its number back (no gaps)."""
    params = {"a": agency_id, "s": series, "y": year}
    session.execute(
        text(
            "INSERT INTO letter_sequences (agency_id, series, year, last_seq) "
            "VALUES (:a, :s, :y, 0) ON CONFLICT DO NOTHING"
        ),
        params,
    )
    seq = session.execute(
        text(
            "UPDATE letter_sequences SET last_seq = last_seq + 1 "
            "WHERE agency_id = :a AND series = :s AND year = :y RETURNING last_seq"
        ),
        params,
    ).scalar_one()
    return int(seq)


def issue_letter(
    app: App,
    session: Session,
    case: Case,
    kind: str,
    *,
    on: date,
    actor: str,
    now: datetime,
    event_seq: int | None = None,
    given: Mapping[str, Any] | None = None,
    step: tuple[str, Mapping[str, str]] | None = None,
    checked: CheckedLetter | None = None,
) -> Letter:
    """Number, render, store and record letter `kind` of `case` in the caller's transaction.
    `step` is the (trigger, inputs) of the change issuing it, whose event is written after its
    letters (the event's hash covers them). `checked`: the letter as `check_letter` checked it
    in this transaction with these values (its issuer and facts are reused, and only what the
    change wrote since is read again)."""
    spec = _spec(app, kind)
    if checked is not None and checked.facts is not None and checked.issuer is not None:
        issuer = checked.issuer
    else:
        issuer = _issuer(app, session, case, kind, given)
    if not issuer.hosted:  # its letters are received, never issued here (letters/incoming.py)
        raise RuleViolation(
            f"{kind} is issued by {issuer.code}, which this installation does not host: "
            "record the letter received from it instead (docs/exchange.md)"
        )
    if checked is not None and checked.facts is not None and checked.issuer is not None:
        facts = _as_written(app, session, case, checked, on=on, step=step)
    else:
        facts = _full_facts(app, session, case, kind, number=DRAFT_NUMBER, on=on, given=given,
                            step=step)  # fmt: skip
    # Who signs, on which kop, in which series: one choice (sanctions/letters/letterhead.py),
    # the same build_context prints from; the number is taken from that register as an
    # agenda book keeps it (letters/register.py: numbers rise with dates, a back-dated letter
    # takes a number reserved for its date or is refused)
    numbering = letterhead_of(facts).numbering
    taken = register.take_number(
        session,
        issuer,
        spec.series,
        pattern=numbering.pattern,
        counter=numbering.counter,
        on=on,
        actor=actor,
        now=now,
        remedy=spec.remedy,
    )
    if taken.out_of_order:  # a remedy's receipt, numbered out of date order: the step says so
        session.info.setdefault(LETTER_WARNINGS, []).append(
            f"{spec.title} numbered out of the register's date order so that the employee's "
            f"remedy is not refused ({taken.out_of_order.split('. ')[0]})"
        )
    pattern, counter, seq = taken.pattern, taken.counter, taken.seq
    number = format_number(
        pattern,
        seq=seq,
        code=app.classification.code(spec.classification, agency_code=issuer.code),
        unit=issuer.unit_code or issuer.code,
        agency=issuer.code,
        on=on,
        sifat=spec.sifat,
        series=SERIES_CODES.get(spec.series, spec.series.upper()),
    )
    facts = replace(facts, number=number)
    # The BSrE sentence says the document is electronically signed: it is printed only on a
    # letter this installation actually signs (an issuer that signs electronically and a
    # signing certificate configured), never on one that will be signed by hand.
    will_sign = issuer.e_signature and app.settings.signing_p12 is not None
    built = build_context(facts, app.catalogue)
    built["agency"] = {**built["agency"], "e_signature": will_sign}
    context = with_verification(built, number=number, url=issuer.verification_url)
    pdf = _render_pdf(app, kind, context, number=number, title=spec.title, author=issuer.name)
    data, signed = pdf.data, False
    if will_sign:
        assert app.settings.signing_p12 is not None
        from sanctions.letters.signing import sign_pdf

        passphrase = app.settings.signing_passphrase
        data = sign_pdf(
            data,
            p12=app.settings.signing_p12,
            passphrase=passphrase.encode("utf-8") if passphrase else None,
            box=pdf.signature_box,
            page=pdf.signature_page,
            reason=f"{spec.title} {number}",
        )
        signed = True
    digest, path = store.put(app.settings.letter_store, data)
    letter = Letter(
        case_id=case.id or 0,
        event_seq=event_seq,
        agency_id=issuer.id or 0,
        kind=kind,
        title=spec.title,
        series=counter,
        year=on.year,
        seq=seq,
        number=number,
        issued_on=on,
        issued_at=now,
        issued_by=actor,
        confidential=spec.confidential,
        readers=sorted(confidential_readers(app, case)) if spec.confidential else [],
        sha256=digest,
        content_hash=context["verification"]["content_hash"],
        path=path,
        pages=pdf.page_count,
        signed=signed,
        context=to_json(context),
    )
    session.add(letter)
    session.flush()
    if taken.reservation is not None:
        register.used_by(session, taken.reservation, letter.id or 0)
    return letter


@dataclass(frozen=True)
class Draft:
    """A letter rendered as a draft (sanctions.letters.draft): the PDF, nothing recorded."""

    kind: str
    title: str
    pdf: bytes
    pages: int
    warnings: tuple[str, ...] = ()  # what the official should know (a kop without its image)


def render_draft(
    app: App,
    session: Session,
    case: Case,
    kind: str,
    *,
    on: date,
    given: Mapping[str, Any] | None = None,
    step: tuple[str, Mapping[str, str]] | None = None,
    earlier: Sequence[str] = (),
    checked: CheckedLetter | None = None,
) -> Draft:
    """Letter `kind` of `case` as the step would issue it on `on`, as a KONSEP: no number
    allocated, no QR code or hash, not signed, not stored, not recorded. `earlier`: kinds the
    same step issues before it (drafts too). `checked`: as `issue_letter` takes it."""
    from sanctions.letters.draft import DRAFT_IDENTIFIER, DRAFT_WORD, as_draft
    from sanctions.letters.render import render_html

    spec = _spec(app, kind)
    if checked is not None and checked.facts is not None and checked.issuer is not None:
        facts = _as_written(app, session, case, checked, on=on, step=step)
    else:
        facts = _full_facts(
            app, session, case, kind, number=DRAFT_NUMBER, on=on, given=given, step=step
        )
    drafts = [
        EarlierLetter(kind=k, title=_spec(app, k).title, number=DRAFT_NUMBER, on=on, issuer="")
        for k in earlier
    ]
    built = build_context(replace(facts, earlier=[*facts.earlier, *drafts]), app.catalogue)
    built["agency"] = {**built["agency"], "e_signature": False}  # a draft is signed by nobody
    hashless = {"number": DRAFT_NUMBER, "content_hash": "0" * 64, "url": None}  # taken out
    context = {**built, "verification": hashless}
    html = as_draft(render_html(app.letters_env, kind, context, images=kop_images(app, context)))
    pdf = app.pdf_renderer.render_pdf(
        html,
        identifier=DRAFT_IDENTIFIER,
        title=f"{DRAFT_WORD} {spec.title}",
        author=facts.issuer.name,
    )
    missing = letterhead_of(facts).missing_image
    return Draft(
        kind=kind,
        title=spec.title,
        pdf=pdf.data,
        pages=pdf.page_count,
        warnings=(missing,) if missing else (),
    )


def known_data(
    app: App, session: Session, case: Case, kind: str, *, on: date
) -> tuple[dict[str, Any], str | None]:
    """The values of letter `kind`'s `data` the case already knows on `on`, and why the
    letter could not be built without more (a signer or an article to give), if so."""
    facts = _full_facts(app, session, case, kind, number=DRAFT_NUMBER, on=on, given={}, step=None)
    try:
        return dict(build_context(facts, app.catalogue)["data"]), None
    except InputError as exc:
        return {}, str(exc)


def _with_input(need: needs.Need, kind: str = "") -> str:
    """A missing value, with the step input that also gives it (`exam_time` is given by
    `--set examination_time=...` of the step that summons). Not for the absence record: it
    is of the examination missed, which the step recording it does not set."""
    if kind == names.ABSENCE_RECORD:
        return str(need)
    inputs = [
        fact
        for fact, keys in SUPPLIED_BY_FACT.items()
        if need.key in keys and not fact.endswith("_on")
    ]
    if not inputs:
        return str(need)
    return f"{need.key} ({need.type}; or the step input --set {inputs[0]}=...)"


def needed_data(app: App, session: Session, case: Case, kind: str, *, on: date) -> list[str]:
    """The required `data` keys of letter `kind` the case does not supply on `on` (the keys
    as the officer gives them: `review_date`, `attachments[]`, `team[]`)."""
    spec = _spec(app, kind)
    try:
        facts = _full_facts(
            app, session, case, kind, number=DRAFT_NUMBER, on=on, given={}, step=None
        )
    except (NotFound, InputError):
        if spec.issuer != "signer_office":
            raise
        # No office of the signer can be told from the case: the letter data names it (and
        # its other values are known once the office, whose kop and series they go with, is).
        return ["signer.office"]
    try:
        built = build_context(facts, app.catalogue)
    except InputError:  # a signer or an article to give: what the case knows still counts
        built = {"data": derived_data(facts, app.catalogue)}
    data_only = replace(spec, requires=tuple(k for k in spec.requires if k.startswith("data.")))
    return [n.key for n in needs.missing(data_only, built)]


def _full_facts(
    app: App,
    session: Session,
    case: Case,
    kind: str,
    *,
    number: str,
    on: date,
    given: Mapping[str, Any] | None,
    step: tuple[str, Mapping[str, str]] | None,
    issuer: Agency | None = None,
) -> LetterFacts:
    spec = _spec(app, kind)
    issuer = issuer or _issuer(app, session, case, kind, given)
    facts = _letter_facts(app, session, case, kind, number=number, on=on, issuer=issuer, step=step)
    return LetterFacts(
        **{
            **facts.__dict__,
            "given": dict(given or {}),
            "issuer_role": spec.issuer,
            "addressee": spec.addressee,
            "tembusan": spec.tembusan,
            "recipients": app.law.recipients,
        }
    )


@dataclass(frozen=True)
class CheckedLetter:
    """A letter checked before its change writes anything: the officer's values (ISO dates
    read as dates) and, once they hold, its issuer and the facts it was checked against, which
    `issue_letter` reuses instead of building them again. What the change itself writes
    between the check and the letter is read again then: the letters it issued before this
    one (`letters_before`) and its deadlines (`deadlines_written`)."""

    values: dict[str, Any]
    issuer: Agency | None = None
    facts: LetterFacts | None = None  # without the drafts of `before` (issuing reads them)
    letters_before: bool = False
    deadlines_written: bool = False


def check_letter(
    app: App,
    session: Session,
    case: Case,
    kind: str,
    *,
    on: date,
    given: Mapping[str, Any] | None,
    step: tuple[str, Mapping[str, str]] | None = None,
    before: Sequence[str] = (),
    deadlines_written: bool = False,
) -> tuple[CheckedLetter, list[str]]:
    """The officer's values for letter `kind` of `case` dated `on` (ISO dates read as dates)
    and every problem with them: unknown names, wrong types, dates out of the case's timeline,
    required values neither they nor the case supply (sanctions.letters.needs). `before`: the
    kinds the same step issues before this one (a decree the covering letter cites);
    `deadlines_written`: whether the change writes the case's deadlines before its letters
    (issuing then reads them again). Reads only."""
    spec = _spec(app, kind)
    act = case.act_date if isinstance(case.act_date, date) else None
    values, problems = needs.check_given(spec, given or {}, on=on, act_date=act)
    if problems:
        return CheckedLetter(values), problems
    issuer = _issuer(app, session, case, kind, values)
    base = _full_facts(
        app, session, case, kind, number=DRAFT_NUMBER, on=on, given=values, step=step,
        issuer=issuer,
    )  # fmt: skip
    checked = CheckedLetter(values, issuer, base, bool(before), deadlines_written)
    drafts = [  # the letters the same step issues before this one, which it may cite
        EarlierLetter(kind=k, title=_spec(app, k).title, number=DRAFT_NUMBER, on=on, issuer="")
        for k in before
    ]
    facts = replace(base, earlier=[*base.earlier, *drafts])
    try:
        built = build_context(facts, app.catalogue)
    except InputError as exc:  # a signer or an article to give: listed with what else lacks
        data_only = replace(spec, requires=tuple(k for k in spec.requires if k.startswith("data.")))
        lacking = needs.missing(
            data_only, {"data": {**derived_data(facts, app.catalogue), **values}}
        )
        if lacking:
            problems.append("missing " + ", ".join(_with_input(n, kind) for n in lacking))
        return checked, [*problems, str(exc)]
    lacking = needs.missing(spec, built)
    if lacking:
        problems.append("missing " + ", ".join(_with_input(n, kind) for n in lacking))
    return checked, problems


def _as_written(
    app: App,
    session: Session,
    case: Case,
    checked: CheckedLetter,
    *,
    on: date,
    step: tuple[str, Mapping[str, str]] | None,
) -> LetterFacts:
    """The facts `check_letter` built, with what the change wrote since read again (the
    letters it issued before this one, its deadlines): what `_full_facts` would build now."""
    facts = checked.facts
    assert facts is not None
    if checked.letters_before:
        facts = replace(facts, earlier=_earlier_letters(session, case))
    if checked.deadlines_written:
        due, open_dates = _deadline_dates(session, case)
        due_dates = {**_opened_by(app, case, step, on), **open_dates}
        facts = replace(facts, follow_up_due=due, due_dates=due_dates)
    return facts


def letter_kinds(app: App) -> tuple[str, ...]:
    """Every declared document kind (letter_templates/documents.yaml)."""
    return tuple(app.law.documents)


def reads(app: App, kind: str) -> tuple[str, ...]:
    """The names a letter of `kind` reads from its data (sanctions.letters.needs)."""
    return needs.known_names(_spec(app, kind))


def _spec(app: App, kind: str) -> Any:
    # the declarations as the law loaded them (the letter environment holds the same ones):
    # reading a spec needs no Jinja2
    specs = app.law.documents
    if kind not in specs:
        raise InputError(f"unknown document kind {kind!r} (known: {', '.join(sorted(specs))})")
    return specs[kind]


def _render_pdf(
    app: App, kind: str, context: Mapping[str, Any], *, number: str, title: str, author: str
) -> RenderedPdf:
    from sanctions.letters.render import render_html

    html = render_html(app.letters_env, kind, context, images=kop_images(app, context))
    return app.pdf_renderer.render_pdf(
        html, identifier=number.encode("utf-8"), title=f"{title} {number}", author=author
    )


def issuer_of(
    app: App, session: Session, case: Case, kind: str, given: Mapping[str, Any] | None = None
) -> Agency:
    """The agency whose letter `kind` of `case` is: the case's agency, its supervisory body,
    the contest's Bawaslu office or the signer's own office (`issuer` in documents.yaml;
    `given`: the officer's values for the letter, which may name the signer's office)."""
    return _issuer(app, session, case, kind, given)


def spec_of(app: App, kind: str) -> Any:
    """The declared document kind (letter_templates/documents.yaml)."""
    return _spec(app, kind)


def kop_warnings(app: App, session: Session, case: Case) -> list[str]:
    """What the kops of the case's agency print without: the lambang of its own kop, and the
    Garuda of the kop jabatan when its PPK signs on one (sanctions/letters/letterhead.py)."""
    from sanctions.letters.letterhead import is_office_of_state

    agency = session.get(Agency, case.agency_id)
    if agency is None:
        return []
    warnings = []
    if agency.logo_sha256 is None:
        warnings.append(
            f"{agency.code}'s kop prints without its lambang: register it with "
            f"`sanctions agency edit {agency.code} --logo FILE` (PNG or SVG)"
        )
    if agency.emblem_sha256 is None and is_office_of_state(agency.ppk_title, _kop_offices(app)):
        warnings.append(
            f"the kop jabatan of {agency.ppk_title} prints without the Garuda Pancasila: "
            f"register the emblem with `sanctions agency edit {agency.code} --emblem FILE`"
        )
    return warnings


def _kop_offices(app: App) -> tuple[str, ...]:
    return app.law.kop_offices


def kop_images(app: App, context: Mapping[str, Any]) -> dict[str, str]:
    """The kop's image of a letter's context as a data: URI by its SHA-256, read from the
    letter store (an image whose bytes no longer match its digest is refused there)."""
    from sanctions.registry.logos import image_uri

    kop = context.get("kop")
    digest = kop.get("image") if isinstance(kop, Mapping) else None
    return {digest: image_uri(app.settings.letter_store, digest)} if digest else {}


def _issuer(
    app: App, session: Session, case: Case, kind: str, given: Mapping[str, Any] | None = None
) -> Agency:
    who = _spec(app, kind).issuer
    if who == "case_agency":
        agency = session.get(Agency, case.agency_id)
    elif who == "signer_office":
        agency = _signer_office(session, case, kind, (given or {}).get("signer"))
    elif who == "bpasn":
        agency = _declared_issuer(app, session, kind, names.BPASN_RECIPIENT)
    elif who == "supervisory_body":
        body, agency = _supervisor(app, session, case)
        if agency is None:
            raise NotFound(
                f"{kind} is issued by {body.short_name}, which is not registered as an agency: "
                f"add it with `sanctions agency add --code {body.agency_code or body.short_name} "
                "...`"
            )
    else:
        contest = session.get(Contest, case.contest_id)
        agency = (
            session.get(Agency, contest.bawaslu_agency_id)
            if contest and (contest.bawaslu_agency_id)
            else None
        )
        if agency is None:
            raise NotFound(
                f"{kind} is issued by the Bawaslu office of the contest, and contest "
                f"{contest.code if contest else '?'} names none: register the office with "
                "`sanctions agency add` and give it with `sanctions contest add --bawaslu CODE`"
            )
    assert agency is not None
    return agency


def _declared_issuer(app: App, session: Session, kind: str, key: str) -> Agency:
    """The agency a declared recipient that issues letters of its own names (workflows/
    recipients.yaml `agency_code`): BPASN, with which a banding is lodged."""
    recipient = app.law.recipients[key]
    code = recipient.agency_code or key.upper()
    agency = session.exec(select(Agency).where(Agency.code == code)).first()
    if agency is None:
        raise NotFound(
            f"{kind} is issued by {recipient.name.removeprefix('Ketua ')}, which receives it "
            f"(workflows/recipients.yaml {key}), and no agency {code} is registered: add it "
            f"with `sanctions agency add --code {code} ...` (with --external where another "
            "installation hosts it: its letter is then recorded as received)"
        )
    return agency


def _signer_office(session: Session, case: Case, kind: str, signer: Any) -> Agency:
    """The registered office of the official who signs `kind` (the employee's direct
    superior): the agency the letter data's `signer.office` names, else the one registered
    under the employee's unit. Its kop and its number series go with that signer
    (sanctions/letters/letterhead.py); another office's letterhead is never borrowed."""
    named = signer.get("office") if isinstance(signer, Mapping) else None
    if named:
        agency = session.exec(select(Agency).where(Agency.code == str(named))).first()
        if agency is None:
            raise NotFound(
                f"{kind}: signer.office {named!r} is not a registered issuer: register the "
                f"office with `sanctions agency add --code {named} ...`"
            )
        return agency
    unit = str(case.employee_snapshot.get("unit") or "").strip()
    found = (
        [
            a
            for a in session.exec(select(Agency).order_by(col(Agency.id))).all()
            if a.name.strip().casefold() == unit.casefold()
        ]
        if unit
        else []
    )
    if len(found) == 1:
        return found[0]
    where = f"the employee's unit {unit!r}" if unit else "the employee's unit (none recorded)"
    if found:
        raise InputError(
            f"{kind} is signed by the direct superior on the kop and in the number series of "
            f"their office, and {where} names {len(found)} registered issuers "
            f"({', '.join(a.code for a in found)}): name it in the letter data "
            f"({kind}: signer: {{title, name, nip, rank, office: CODE}})"
        )
    raise NotFound(
        f"{kind} is signed by the direct superior on the kop and in the number series of "
        f"their office, and {where} is not registered as an issuer: register the office "
        f'(`sanctions agency add --code CODE --name "{unit or "..."}" ...`) or name a '
        f"registered one in the letter data ({kind}: signer: {{title, name, nip, rank, "
        "office: CODE}); the letter is not printed on another office's letterhead"
    )


def _supervisor(app: App, session: Session, case: Case) -> tuple[SupervisoryBody, Agency | None]:
    """The case's supervisory body and the agency row its letters are issued under, if any."""
    body = app.bodies[app.workflow(case.workflow_version).supervisory_body]
    code = body.agency_code or body.short_name
    return body, session.exec(select(Agency).where(Agency.code == code)).first()


def _party(agency: Agency, signer: IssuerSigner | None = None) -> Party:
    """An agency as a letter's party; its head is `signer` (the one in office on the letter's
    date, `registry/signers.py`) when given, else the agency's own head fields."""
    if signer is not None:
        return replace(
            _party(agency),
            head_title=signer.title,
            head_name=signer.name,
            head_nip=signer.nip,
            head_rank=signer.rank,
            head_acting=signer.acting,
            head_on_behalf=signer.on_behalf,
        )
    return Party(
        code=agency.code,
        name=agency.name,
        parent=agency.parent,
        address=agency.address,
        phone=agency.phone,
        website=agency.website,
        email=agency.email,
        city=agency.city,
        kind=agency.kind,
        head_title=agency.ppk_title,
        head_name=agency.ppk_name,
        head_nip=agency.ppk_nip,
        page_number_style=agency.page_number_style,
        e_signature=agency.e_signature,
        verification_url=agency.verification_url,
        office_title=agency.ppk_title,
        logo=agency.logo_sha256,
        emblem=agency.emblem_sha256,
        numbering_pattern=agency.numbering_pattern,
        decree_pattern=agency.decree_pattern,
        head_pattern=agency.head_pattern,
    )


def _letter_facts(
    app: App,
    session: Session,
    case: Case,
    kind: str,
    *,
    number: str,
    on: date,
    issuer: Agency,
    step: tuple[str, Mapping[str, str]] | None = None,
) -> LetterFacts:
    spec = _spec(app, kind)
    body, body_agency = _supervisor(app, session, case)
    supervisor = (
        _party(body_agency)
        if body_agency
        else Party(
            code=body.short_name,
            name=body.name,
            parent="",
            address=body.address,
            phone=body.phone,
            website=body.website,
            email=body.email,
            city=body.city,
            kind="pusat",
            head_title=body.head_title,
            head_name="",
            head_nip=None,
        )
    )
    case_agency = session.get(Agency, case.agency_id)
    contest = session.get(Contest, case.contest_id)
    assert case_agency and contest
    codes = session.exec(
        select(Allegation.violation_code).where(Allegation.case_id == case.id)
    ).all()
    allegations = [{"code": c, "conduct": app.catalogue.violation(c).conduct} for c in codes]
    earlier = _earlier_letters(session, case)
    step_inputs = {  # the latest inputs of each trigger
        trigger: dict(inputs)
        for trigger, inputs in session.exec(
            select(CaseEvent.trigger, CaseEvent.inputs)
            .where(CaseEvent.case_id == case.id)
            .order_by(col(CaseEvent.seq))
        ).all()
    }
    if step is not None:
        step_inputs[step[0]] = dict(step[1])
    due, open_dates = _deadline_dates(session, case)
    due_dates = {**_opened_by(app, case, step, on), **open_dates}
    return LetterFacts(
        kind=kind,
        title=spec.title,
        sifat=spec.sifat,
        number=number,
        on=on,
        issuer=_party(issuer, signer_on(session, issuer.id or 0, on)),
        case_agency=_party(case_agency),
        supervisory_body=supervisor,
        case={
            "reference": case.reference,
            "register_number": case.register_number,
            "contest": contest.name,
            "region": contest.region,
            "act_date": case.act_date,
        },
        employee=dict(case.employee_snapshot),
        allegations=allegations,
        facts=dict(case.facts),
        rules=app.workflow(case.workflow_version).rule_values,
        earlier=earlier,
        step_inputs=step_inputs,
        follow_up_due=due,
        due_dates=due_dates,
        earlier_sanctions=_earlier_sanctions(app, session, case, codes)
        if "data.earlier_sanctions[].sanction" in (*spec.requires, *spec.optional)
        else (),
        step_trigger=step[0] if step is not None else None,
        series=spec.series,
        kop_offices=_kop_offices(app),
        lampiran=spec.lampiran,
        **_decider(app, case, case_agency, kind),
    )


def _earlier_letters(session: Session, case: Case) -> list[EarlierLetter]:
    """The letters of the case recorded so far, in the order recorded."""
    return [
        EarlierLetter(kind=k, title=t, number=n, on=d, issuer=a)
        for k, t, n, d, a in session.exec(
            select(  # type: ignore[call-overload]  # sqlmodel types select() up to 4 columns
                col(Letter.kind),
                col(Letter.title),
                col(Letter.number),
                col(Letter.issued_on),
                col(Agency.name),
            )
            .join(Agency, col(Agency.id) == Letter.agency_id)
            .where(Letter.case_id == case.id)
            .order_by(col(Letter.id))
        ).all()
    ]


def _deadline_dates(session: Session, case: Case) -> tuple[date | None, dict[str, date]]:
    """The due date of the case's first follow-up deadline (open or closed), and that of each
    deadline open now by name (the latest opened of a name), in one read."""
    rows = session.exec(
        select(col(Deadline.name), col(Deadline.due_date), col(Deadline.closed_seq))
        .where(Deadline.case_id == case.id)
        .order_by(col(Deadline.id))
    ).all()
    due = next((d for n, d, _ in rows if n == names.FOLLOW_UP_DEADLINE), None)
    return due, {n: d for n, d, closed in rows if closed is None}


def _earlier_sanctions(
    app: App, session: Session, case: Case, codes: Sequence[str]
) -> tuple[dict[str, Any], ...]:
    """The employee's earlier sanctions of the same kind this case repeats, latest first,
    each with the decision that imposed it, for a letter that mentions a repeat offence."""
    rules = app.workflow(case.workflow_version).rule_values
    repeated = repeat_of(
        prior_sanctions(session, case),
        act_date=case.act_date,
        allegations=tuple(app.catalogue.violation(c) for c in codes),
        notion=str(rules.get(REPEAT_RULE, "code")),
        catalogue=app.catalogue,
    )
    found = []
    for prior in repeated:
        decree = session.exec(
            select(Letter)
            .join(Case, col(Case.id) == col(Letter.case_id))
            .where(Case.reference == prior.reference)
            .where(col(Letter.kind).in_(names.DECISION_LETTERS))
            .order_by(col(Letter.id).desc())
        ).first()
        sanction = app.catalogue.sanction(prior.sanction)
        entry: dict[str, Any] = {
            "sanction": sanction.name[:1].lower() + sanction.name[1:],
            "level": sanction.level,
        }
        if decree is not None:
            entry |= {
                "decision_title": _spec(app, decree.kind).title,
                "decision_number": decree.number,
                "decision_date": decree.issued_on,
            }
        found.append(entry)
    return tuple(found)


def _opened_by(
    app: App, case: Case, step: tuple[str, Mapping[str, str]] | None, on: date
) -> dict[str, date]:
    """The due dates of the deadlines step `step` opens, from the day it is taken: the write
    path checks the letters after the case entered the state and before it writes them (the
    letter then cites the same day as the deadline it opens)."""
    if step is None:
        return {}
    workflow = app.workflow(case.workflow_version)
    if not any(
        t.trigger == step[0] and not t.stays and t.dest == case.state for t in workflow.transitions
    ):
        return {}
    rules = workflow.state(case.state).deadlines
    return {r.name: due_date(r, on, app.calendar) for r in rules if r.anchor == "entered"}


def _decider(app: App, case: Case, agency: Agency, kind: str) -> dict[str, Any]:
    """Who decides the case (the official recorded on the decision, else the competent one
    for the sanction the case names) and who signs letter `kind` (workflows/authority.yaml)."""
    authority = app.authority
    official = case.facts.get("official")
    code = case.facts.get("sanction")
    if official is None and code:
        official = authority.deciding(
            agency_kind=agency.kind,
            parent=agency.parent,
            position=str(case.employee_snapshot.get("position_type", "")),
            sanction=code,
            level=app.catalogue.sanction(code).level,
        )
    forum = (
        authority.appeal_forum(official, authority.tier_of(agency.kind, agency.parent))
        if official
        else None
    )
    return {
        "signer_role": authority.signers.get(kind, "issuer_head"),
        "official": official,
        "official_label": authority.officials.get(official) if official else None,
        "appeal_forum": forum.to if forum else None,
    }


# -- reading ----------------------------------------------------------------------------
@dataclass(frozen=True)
class LetterRow:
    letter: Letter
    case_reference: str
    readable: bool


def list_letters(
    app: App, session: Session, *, actor: str, reference: str | None = None
) -> list[LetterRow]:
    """Letters of the cases the actor holds a role for; Rahasia ones marked unreadable unless
    the actor holds a role the case's workflow lets read them."""
    query = select(Letter, Case).join(Case, col(Case.id) == Letter.case_id)
    if reference:
        query = query.where(Case.reference == reference)
    rows = []
    for letter, case in session.exec(query.order_by(col(Letter.id))).all():
        roles = roles_for(session, actor, case.agency_id)
        if roles:
            readable = not letter.confidential or bool(roles & confidential_readers(app, case))
            rows.append(LetterRow(letter, case.reference, readable))
    return rows


def voided_by(letters: Sequence[Letter]) -> dict[str, str]:
    """Letter number → the number of the voiding letter (`sanctions case correct`) among
    `letters` that voids it."""
    voiding = set(names.VOIDING_LETTERS.values())
    return {
        str(x.context.get("data", {}).get("voided_number")): x.number
        for x in letters
        if x.kind in voiding and x.context.get("data", {}).get("voided_number")
    }


def letter_by_number(session: Session, number: str, *, issuer: str | None = None) -> Letter:
    """The letter `number` of agency `issuer` (its code). A number names one letter of one
    issuer; without `issuer`, a number two agencies gave (from a database that predates the
    collision check at registration) is refused with the issuers to choose from."""
    query = (
        select(Letter, Agency.code)
        .join(Agency, col(Agency.id) == Letter.agency_id)
        .where(Letter.number == number)
    )
    if issuer is not None:
        query = query.where(Agency.code == issuer)
    found = session.exec(query.order_by(col(Letter.id))).all()
    if not found:
        by = f" issued by {issuer}" if issuer is not None else ""
        raise NotFound(f"no letter numbered {number!r}{by}; list them with `sanctions letter list`")
    if len(found) > 1:
        issuers = ", ".join(sorted({code for _, code in found}))
        raise InputError(f"{number!r} was given by several issuers ({issuers}): give --issuer")
    return found[0][0]


def read_letter(
    app: App, session: Session, number: str, *, actor: str, issuer: str | None = None
) -> tuple[Letter, bytes]:
    letter = letter_by_number(session, number, issuer=issuer)
    case = session.get(Case, letter.case_id)
    assert case is not None
    roles = roles_for(session, actor, case.agency_id)
    if not roles:
        raise PermissionDenied(f"user {actor!r} holds no role for the agency of {number}")
    readers = confidential_readers(app, case)
    if letter.confidential and not roles & readers:
        raise PermissionDenied(
            f"{number} is Rahasia: only {', '.join(sorted(readers))} may read it"
        )
    return letter, store.read(app.settings.letter_store, letter.path, letter.sha256)


@dataclass(frozen=True)
class Verification:
    issued: bool
    letter: Letter | None
    altered: bool
    detail: str


def verify_file(app: App, session: Session, path: Path) -> Verification:
    """Is this file an issued letter, which one, and was it altered since?"""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from exc
    digest = store.sha256(data)
    letter = session.exec(select(Letter).where(Letter.sha256 == digest)).first()
    if letter is not None and letter.incoming:
        return Verification(
            False,
            None,
            False,
            f"the file received from its sender as {letter.number} (dated {letter.issued_on}, "
            f"received {letter.received_on}); not issued here: ask its issuer to verify it",
        )
    if letter is not None:
        detail = f"identical to the issued {letter.number}"
        if letter.signed:
            from sanctions.letters.signing import check_signatures

            checks = check_signatures(data)
            if not checks or not all(c.ok for c in checks):
                return Verification(True, letter, True, f"{detail}, but its signature is broken")
            detail += (
                "; PAdES signature intact, covering the whole file ("
                + ", ".join(c.signer for c in checks)
                + ")"
            )
        return Verification(True, letter, False, detail)
    if _pdf_title(data).startswith("KONSEP "):
        return Verification(
            False,
            None,
            False,
            f"a draft (KONSEP) of `letter preview`, never issued: SHA-256 {digest[:16]}… "
            "matches no issued letter",
        )
    number = embedded_number(data)
    if number:
        claimed = session.exec(
            select(Letter).where(Letter.number == number, col(Letter.incoming).is_(False))
        ).first()
        if claimed is not None:
            return Verification(
                True,
                claimed,
                True,
                f"claims to be {claimed.number} but its SHA-256 {digest[:16]}… differs from "
                f"the issued file's {claimed.sha256[:16]}…: it was altered",
            )
    return Verification(False, None, False, f"SHA-256 {digest[:16]}… matches no issued letter")


def embedded_number(data: bytes) -> str | None:
    """The letter number the PDF carries in its title metadata, if it can be read."""
    title = _pdf_title(data)
    return title.rsplit(" ", 1)[-1] if title else None


def _pdf_title(data: bytes) -> str:
    import io

    try:
        from pypdf import PdfReader

        title = PdfReader(io.BytesIO(data)).metadata.title  # type: ignore[union-attr]
    except Exception:  # an unreadable or non-PDF file simply claims nothing
        return ""
    return str(title) if title else ""


def letters_issued_between(
    app: App, session: Session, *, actor: str, start: date, end: date
) -> list[tuple[Letter, str, str]]:
    """Letters issued here in [start, end] the actor may read, with their issuing agency's
    name and code. A letter received from another issuer is not among them: it was not
    rendered here and cannot be rendered again (its file is the one received)."""
    rows = session.exec(
        select(Letter, Agency.name, Agency.code, Case)
        .join(Agency, col(Agency.id) == Letter.agency_id)
        .join(Case, col(Case.id) == Letter.case_id)
        .where(col(Letter.issued_on) >= start, col(Letter.issued_on) <= end)
        .where(col(Letter.incoming).is_(False))
        .order_by(col(Letter.id))
    ).all()
    result = []
    for letter, author, code, case in rows:
        roles = roles_for(session, actor, case.agency_id)
        if roles and (not letter.confidential or roles & confidential_readers(app, case)):
            result.append((letter, author, code))
    return result


def rerender(app: App, session: Session, letter: Letter) -> bytes:
    """Render an issued letter again from its stored context: same number, same text. The
    issued file stays the reference (`verify` checks against it); this is a reading copy."""
    if letter.incoming:
        raise RuleViolation(
            f"{letter.number} was received, not issued here: its file is the only copy "
            "(`sanctions letter show`)"
        )
    agency = session.get(Agency, letter.agency_id)
    return _render_pdf(
        app,
        letter.kind,
        from_json(letter.context),
        number=letter.number,
        title=letter.title,
        author=agency.name if agency else "",
    ).data
