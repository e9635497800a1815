"""Build a letter's rendering context from the case, purely.

The services gather plain values (`LetterFacts`); this module turns them into the context
contract documented in `letter_templates/documents.yaml`: who issues and signs, who it is
addressed to, the case, the employee, the recommendation and sanction, and the document's
own `data`. Data comes from what the officer gave for this letter (`given`), then from values
the case already holds (facts, earlier letters). A value neither gives stays missing and the
strict template reports it by name: an official letter is never printed with a blank.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from sanctions.cases import composition
from sanctions.catalogue.entries import Catalogue
from sanctions.errors import InputError
from sanctions.law import names
from sanctions.letters import letterhead
from sanctions.letters.recipients import Recipient

# Earlier letters whose number and date later letters cite: (data prefix, letter kind).
_CITES = names.CITED_LETTERS
_DECISION_KINDS = names.DECISION_LETTERS


@dataclass(frozen=True)
class Party:
    """An issuing or receiving organisation (an agency row, or the supervisory body)."""

    code: str
    name: str
    parent: str
    address: str
    phone: str
    website: str
    email: str
    city: str
    kind: str
    head_title: str
    head_name: str
    head_nip: str | None
    head_rank: str | None = None
    head_acting: str = ""  # "Plt." or "Plh." when the head acts for the office
    head_on_behalf: str = ""  # "a.n. Bupati Sleman" when signing for someone else
    page_number_style: str = "dash"
    e_signature: bool = False
    verification_url: str | None = None
    # The kop and the numbering (sanctions.letters.letterhead): the PPK's office as registered
    # (the head fields may name a registered signer instead; "": head_title), the images'
    # SHA-256 (lambang, Garuda emblem) and the agency's numbering patterns.
    office_title: str = ""
    logo: str | None = None
    emblem: str | None = None
    numbering_pattern: str = "{code}/{seq}/{unit}/{year}"
    decree_pattern: str | None = None
    head_pattern: str | None = None


@dataclass(frozen=True)
class EarlierLetter:
    kind: str
    title: str
    number: str
    on: date
    issuer: str  # the issuing agency's name


@dataclass(frozen=True)
class LetterFacts:
    kind: str
    title: str
    sifat: str
    number: str
    on: date
    issuer: Party
    case_agency: Party
    supervisory_body: Party
    case: Mapping[str, Any]  # reference, register_number, contest, act_date
    employee: Mapping[str, Any]  # the snapshot taken when the case opened
    allegations: Sequence[Mapping[str, str]]  # code, conduct
    facts: Mapping[str, str]
    rules: Mapping[str, object]
    earlier: Sequence[EarlierLetter] = ()
    given: Mapping[str, Any] = field(default_factory=dict)  # the officer's data for this letter
    step_inputs: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # by trigger
    follow_up_due: date | None = None
    # The due date of each deadline open on the case when the letter is issued, by name.
    due_dates: Mapping[str, date] = field(default_factory=dict)
    # The employee's earlier sanctions this case repeats (sanctions/cases/repeat.py), each
    # {sanction, decision_title, decision_number, decision_date}, for the letters naming them.
    earlier_sanctions: Sequence[Mapping[str, Any]] = ()
    # Who the letter is addressed to and copied to: recipient names declared for its kind
    # (documents.yaml), resolved with the declared recipients (workflows/recipients.yaml).
    issuer_role: str = "case_agency"
    addressee: str | None = None
    tembusan: Sequence[str] = ()
    recipients: Mapping[str, Recipient] = field(default_factory=dict)
    # Who signs this kind (workflows/authority.yaml `signers`) and who decides the case: the
    # official's key (`ppk`, `presiden`, …) and its label.
    signer_role: str = "issuer_head"
    official: str | None = None
    official_label: str | None = None
    appeal_forum: str | None = None  # where a keberatan goes (workflows/authority.yaml)
    step_trigger: str | None = None  # the step issuing the letter (None: on demand)
    # The kind's numbering series (documents.yaml) and the offices that sign on a kop
    # jabatan (documents.yaml `kop_jabatan`): what `letterhead_of` chooses from.
    series: str = "surat"
    kop_offices: Sequence[str] = ()
    lampiran: str | None = None  # the kind's declared Lampiran (documents.yaml)


# Cited for a row whose norm is unconfirmed when no declared list can be cited either.
_NEUTRALITY = (
    "ketentuan peraturan perundang-undangan mengenai netralitas Pegawai Aparatur Sipil Negara"
)


def letterhead_of(facts: LetterFacts) -> letterhead.Letterhead:
    """Who signs the letter, on which kop and in which number series: the one choice
    (sanctions.letters.letterhead.choose) the service numbers with and the context prints."""
    given = facts.given.get("signer")
    signer = given if isinstance(given, Mapping) and given else _signer(facts)
    p = facts.issuer
    issuer = letterhead.Issuer(
        code=p.code,
        name=p.name,
        parent=p.parent,
        address=p.address,
        phone=p.phone,
        website=p.website,
        email=p.email,
        office_title=p.office_title or p.head_title,
        logo=p.logo,
        emblem=p.emblem,
        registers=letterhead.Registers(p.numbering_pattern, p.decree_pattern, p.head_pattern),
    )
    return letterhead.choose(issuer, signer, series=facts.series, offices=facts.kop_offices)


def build_context(facts: LetterFacts, catalogue: Catalogue) -> dict[str, Any]:
    """The template context for one letter (without `verification`, see `with_verification`).

    What is printed as law comes from the catalogue's printed fields, dated by the letter's
    date (`Violation.norm`, `Sanction.article`), never from its research `basis`. Where the
    catalogue has no confirmed text the officer confirms it in the letter's data (`articles:
    {CODE: text}`); the decision letters refuse to render without it.
    """
    given = dict(facts.given)
    articles = _articles(given.pop("articles", None))
    allegations = [_allegation(a, facts.on, catalogue, articles) for a in facts.allegations]
    issuer = facts.issuer
    head = letterhead_of(facts)
    given.pop("signer", None)
    context: dict[str, Any] = {
        "doc": {
            "kind": facts.kind,
            "title": facts.title,
            "number": facts.number,
            "date": facts.on,
            "place": given.pop("place", issuer.city),
            "sifat": given.pop("sifat", facts.sifat),
            "lampiran": given.pop("lampiran", None) or facts.lampiran,
            "hal": given.pop("hal", facts.title),
        },
        "agency": _agency(issuer),
        "signer": dict(head.signer),
        "kop": head.as_context(),
        "addressee": given.pop("addressee", None) or _addressee(facts),
        "tembusan": given.pop("tembusan", None) or _tembusan(facts),
        "employee": _employee(facts.employee),
        "case": {**facts.case, "allegations": allegations},
        "supervisory_body": {
            "name": facts.supervisory_body.name,
            "short_name": facts.supervisory_body.code,
            "address": facts.supervisory_body.address,
        },
        "data": {**_derived(facts, catalogue), **given},
    }
    context["tembusan"] = _not_to_the_addressee(context["tembusan"], context["addressee"])
    level = facts.facts.get("level")
    if level:
        context["recommendation"] = {
            "level": level,
            "level_label": catalogue.level(level).label,
            "basis": "; ".join(dict.fromkeys(a["basis"] for a in allegations)),
            "follow_up_due": facts.follow_up_due,
        }
    code = facts.facts.get("sanction")
    if code:
        sanction = catalogue.sanction(code)
        context["sanction"] = {
            "code": sanction.code,
            "name": sanction.name,
            "level": sanction.level,
            "duration_months": sanction.duration_months,
            "basis": _printed(code, sanction.article_on(facts.on), articles, "article"),
        }
    return context


def _articles(value: Any) -> dict[str, str]:
    """The officer's confirmed articles: catalogue code → the text in full words."""
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in value.items()
    ):
        raise InputError(
            "articles: expected a mapping of catalogue code to the article in full words, "
            'e.g. {DIS-01: "Pasal 5 huruf n angka 1 Peraturan Pemerintah Nomor 94 Tahun 2021 '
            'tentang Disiplin Pegawai Negeri Sipil"}'
        )
    return {str(k): str(v).strip() for k, v in value.items()}


def _printed(
    code: str, confirmed: str | None, articles: Mapping[str, str], what: str
) -> str | None:
    """The catalogue's confirmed text, else the officer's; giving one for a confirmed text is
    refused (the letter would print two readings of one article)."""
    if confirmed is not None and code in articles:
        raise InputError(
            f"articles.{code}: the {what} of {code} is confirmed in the catalogue "
            f"({confirmed}); leave it out of the letter's data"
        )
    return confirmed if confirmed is not None else articles.get(code)


def _allegation(
    allegation: Mapping[str, str], on: date, catalogue: Catalogue, articles: Mapping[str, str]
) -> dict[str, Any]:
    """code, conduct; norm: the violated norm as printed (None: unconfirmed and not given);
    basis: what a letter before the decision cites (the norm, or the list the row comes
    from)."""
    code = allegation["code"]
    violation = catalogue.violation(code)
    norm = _printed(code, violation.norm_on(on), articles, "violated norm")
    listed = catalogue.listed_citation(violation)
    return {
        **allegation,
        "norm": norm,
        "basis": norm or listed or _NEUTRALITY,
    }


def _agency(p: Party) -> dict[str, Any]:
    return {
        "name": p.name,
        "parent": p.parent,
        "address": p.address,
        "phone": p.phone,
        "website": p.website,
        "email": p.email,
        "city": p.city,
        "kind": p.kind,
        "page_number_style": p.page_number_style,
        "e_signature": p.e_signature,
        "verification_url": p.verification_url,
    }


def _head(p: Party) -> dict[str, Any]:
    head: dict[str, Any] = {
        "title": p.head_title,
        "name": p.head_name,
        "nip": p.head_nip,
        "rank": p.head_rank,
    }
    if p.head_acting:
        head["acting"] = p.head_acting
    if p.head_on_behalf:
        head["on_behalf"] = p.head_on_behalf
    return head


def _signer(facts: LetterFacts) -> dict[str, Any]:
    """The default signer: the issuer's head, unless the kind is signed by the competent
    official and that is not the agency's PPK; then the officer names them (nothing false is
    printed: a decree of a Pejabat Administrator is not signed in the Bupati's name)."""
    if facts.signer_role == "competent_official" and facts.official not in (None, "ppk"):
        raise InputError(
            f"{facts.kind} is signed by the official who decides, the {facts.official_label} "
            "(PP 94/2021, workflows/authority.yaml): give the signer in the letter data "
            "(signer: {title, name, nip, rank})"
        )
    if facts.signer_role == "receiving_officer":
        return receiving_officer(facts.given.get("receiver"))
    if facts.signer_role in ("examination_team", "direct_superior_or_team"):
        chair = _team_chair(facts.facts.get("members"))
        if chair is not None:  # the chair of the team the case recorded signs for it
            return chair
    if facts.signer_role == "direct_superior_or_team":
        raise InputError(
            "signer: the case is examined without a team, so the employee's direct superior "
            "(atasan langsung) signs the summons, not the head (PP 94/2021 Pasal 26; "
            "workflows/authority.yaml direct_superior_or_team): give the superior as "
            f"{facts.kind}: signer: {{title, name, nip, rank}} in the letter data"
        )
    if facts.signer_role == "direct_superior":
        raise InputError(
            f"{facts.kind} is signed by the employee's direct superior (atasan langsung, PP "
            "94/2021, workflows/authority.yaml): give the signer in the letter data "
            f"({facts.kind}: signer: {{title, name, nip, rank, office}})"
        )
    return _head(facts.issuer)


def receiving_officer(receiver: Any) -> dict[str, Any]:
    """The signer of a receipt: the officer who took the document in at the issuing office
    (letter data `receiver: {name, nip, position}`), never its head by default. Values not
    given are left empty here: the check before a step lists them with every other missing
    value (sanctions.letters.needs), so no receipt is issued without them."""
    given = receiver if isinstance(receiver, Mapping) else {}
    return {
        "title": str(given.get("position") or ""),
        "name": str(given.get("name") or ""),
        "nip": given.get("nip") or None,
        "rank": None,
    }


def _team_chair(members: str | None) -> dict[str, Any] | None:
    """The recorded team's chair (its first member without one) as a signer, or None when
    the case recorded no structured team (sanctions.cases.composition)."""
    if not members or not composition.is_structured(members):
        return None
    rows = composition.printed(composition.from_fact(members), team=True)
    if not rows:
        return None
    chairs = [r for r in rows if str(r["role"]).startswith("Ketua")]
    chair = (chairs or rows)[0]
    return {
        "title": "Ketua Tim Pemeriksa" if chairs else chair["position"],
        "name": chair["name"],
        "nip": chair["nip"],
        "rank": chair.get("rank"),
    }


def _deciding_official(facts: LetterFacts) -> str | None:
    """How a letter addresses the official who decides: the PPK by the agency head's title,
    the President by office; another official is named by the officer (None)."""
    if facts.official == "ppk":
        return facts.case_agency.head_title
    if facts.official == "presiden":
        return "Presiden Republik Indonesia"
    return None


def _employee(snapshot: Mapping[str, Any]) -> dict[str, Any]:
    keys = ("name", "nip", "employee_type", "rank", "position", "unit", "address")
    return {k: snapshot.get(k) for k in keys}


def _addressee(facts: LetterFacts) -> dict[str, str] | None:
    name = facts.addressee
    if name is None:
        return None
    if name == "ppk":
        p = facts.case_agency
        return {"name": p.head_title, "address": p.address or p.city}
    if name == "supervisory_body":
        p = facts.supervisory_body
        return {"name": p.head_title, "address": p.address}
    if name == "employee":
        e = facts.employee
        return {"name": str(e.get("name")), "address": str(e.get("address") or "")}
    if name == "target_agency":
        target = facts.given.get("target_agency")
        if isinstance(target, Mapping):
            return {"name": str(target.get("name")), "address": str(target.get("address", ""))}
        return None
    declared = facts.recipients[name]
    return {"name": declared.as_addressee, "address": declared.address}


def _copy_name(facts: LetterFacts, name: str) -> str:
    if name == "supervisory_body":
        return facts.supervisory_body.head_title
    if name == "ppk":
        return facts.case_agency.head_title
    if name == "case_agency":
        return f"Kepala {facts.case_agency.name}"
    if name == "bawaslu":
        region = facts.case.get("region")
        return f"Ketua Bawaslu {region}" if region else "Ketua Bawaslu Republik Indonesia"
    if name == "direct_superior":
        unit = str(facts.employee.get("unit") or "").strip()  # none recorded: no "()"
        return (
            f"Atasan langsung yang bersangkutan ({unit})"
            if unit
            else ("Atasan langsung yang bersangkutan")
        )
    if name == "employee":
        return str(facts.employee.get("name"))
    return facts.recipients[name].name


def _not_to_the_addressee(copies: Any, addressee: Any) -> Any:
    """The copies without one to the letter's addressee (as printed: the officer may give
    either), nor the same copy twice."""
    if not isinstance(copies, list):
        return copies  # not a list: the value's type check refuses it (letters/needs.py)
    name = addressee.get("name") if isinstance(addressee, Mapping) else None
    to = " ".join(str(name).split()).casefold() if name else None
    kept: list[Any] = []
    for copy in copies:
        key = " ".join(str(copy).split()).casefold()
        if key != to and key not in (" ".join(str(k).split()).casefold() for k in kept):
            kept.append(copy)
    return kept


def _tembusan(facts: LetterFacts) -> list[str]:
    """The declared copies, leaving out one to the issuer itself (a recommendation by BKN is
    not copied to BKN); one to the addressee as printed is left out by build_context (a
    report to the supervisory body is not copied to it again)."""
    issuer = facts.issuer.head_title
    copies = []
    for name in facts.tembusan:
        copy = _copy_name(facts, name)
        if copy == issuer or copy in copies:
            continue
        if name == "bkn" and facts.issuer.code == "BKN":
            continue
        copies.append(copy)
    return copies


# The `data` values `_derived` takes from a fact a step records (its input, or the day it
# enters a state): before the step, a letter's need of them is met by the step itself.
SUPPLIED_BY_FACT: Mapping[str, tuple[str, ...]] = {
    "examination_date": ("exam_date", "first_exam_date"),
    "examination_place": ("exam_place",),
    "examination_time": ("exam_time",),
    "disampaikan_on": ("decision_received",),
    "sanction": ("appeal", "effect_working_days", "pppk_with_honour"),
    "members": ("team", "members"),
}


def derived_data(facts: LetterFacts, catalogue: Catalogue) -> dict[str, Any]:
    """The `data` values of a letter the case already knows (what `build_context` puts under
    the officer's own)."""
    return _derived(facts, catalogue)


def _derived(facts: LetterFacts, catalogue: Catalogue) -> dict[str, Any]:
    """Values a letter cites that the case already knows."""
    data: dict[str, Any] = {}
    f = facts.facts
    latest: dict[str, EarlierLetter] = {}
    for letter in facts.earlier:
        latest[letter.kind] = letter
    for prefix, kind in _CITES.items():
        if kind in latest:
            data[f"{prefix}_number"] = latest[kind].number
            data[f"{prefix}_date"] = latest[kind].on
    if "surat_penerusan" in latest:
        data["forwarding_sender"] = latest["surat_penerusan"].issuer
    if names.TEAM_DECREE in latest:
        data["team_decree_number"] = latest[names.TEAM_DECREE].number
        data["team_decree_date"] = latest[names.TEAM_DECREE].on
    if facts.kind == names.EXAMINATION_RECORD:  # the BAP: signed or refused, copy handed over
        data["examinee_refused"] = f.get("examinee_signed") == "tidak"
        if f.get("copy_handed_on"):
            data["copy_handed_on"] = _maybe_date(f["copy_handed_on"])
    if facts.step_trigger == names.RELEASE_TRIGGER:  # released from the step's day, with a Plh
        data["start_date"] = facts.on
        data["acting_official"] = facts.facts.get("acting_official")
    if facts.kind == names.RESIGNATION_REQUEST:  # a candidate asked to resign in writing
        given = {**f, **facts.step_inputs.get(facts.step_trigger or "", {})}
        data["candidacy"] = given.get("candidacy")
        if given.get("candidate_determined_on"):
            data["candidate_determined_on"] = _maybe_date(given["candidate_determined_on"])
        data["statement_due"] = facts.due_dates.get(names.RESIGNATION_DEADLINE)
    if facts.earlier_sanctions:
        data["earlier_sanctions"] = [dict(e) for e in facts.earlier_sanctions]
    if f.get("resigned_on") and facts.step_trigger in names.NO_SANCTION_FINDINGS:
        data["resigned_on"] = _maybe_date(f["resigned_on"])
    if names.CITED_LETTERS["lhp"] not in latest:
        data["lhp_number"] = None  # decided without examination: there is no LHP to cite
    data.update(_appeal_decision(facts, latest))
    decision = next((latest[k] for k in _DECISION_KINDS if k in latest), None)
    if decision is not None:
        data.update(
            decision_title=decision.title,
            decision_number=decision.number,
            decision_date=decision.on,
        )
    for source, target in (
        ("examination_date", "exam_date"),
        ("examination_place", "exam_place"),
        ("examination_time", "exam_time"),
    ):
        if f.get(source):
            data[target] = _maybe_date(f[source])
    if facts.kind == names.ABSENCE_RECORD:
        _missed_examination(facts, latest, data)
    first = facts.step_inputs.get(names.FIRST_SUMMONS_TRIGGER, {}).get("examination_date")
    if first and names.SECOND_SUMMONS_TRIGGER in facts.step_inputs:
        data["first_exam_date"] = _maybe_date(first)
    if f.get("disampaikan_on"):
        data["decision_received"] = _maybe_date(f["disampaikan_on"])
    code = f.get("sanction")
    if code:
        route = catalogue.appeal_route(code)
        data["appeal"] = None if route == "none" else _appeal(route, facts.appeal_forum)
        data["effect_working_days"] = facts.rules[names.EFFECT_DAYS_RULE]
        sanction = catalogue.sanction(code)
        if sanction.code == "PPPK-PHK":
            data["pppk_with_honour"] = not any(
                catalogue.violation(a["code"]).fixed_sanction for a in facts.allegations
            )
    if f.get("members"):
        data["team"] = data["members"] = _members(f["members"])
        data.update(_examiners(facts.kind, f["members"]))
    if facts.kind == names.CITED_LETTERS["lhp"]:
        data["report_to"] = _deciding_official(facts)  # the LHP goes to who decides
    return {k: v for k, v in data.items() if v not in ("", None) or k in ("appeal", "lhp_number")}


# Each summons, with the step that sends it (its inputs name the examination) and its label.
_SUMMONS: Final = (
    (names.SUMMONS_LETTERS[1], names.SECOND_SUMMONS_TRIGGER, "Panggilan II"),
    (names.SUMMONS_LETTERS[0], names.FIRST_SUMMONS_TRIGGER, "Panggilan I"),
)


def _missed_examination(
    facts: LetterFacts, latest: Mapping[str, EarlierLetter], data: dict[str, Any]
) -> None:
    """The absence record is of the examination the employee missed: the one the latest
    summons named (its step's inputs), not the case's current examination, which the step
    recording the absence may set anew (a second summons). What that step did not name is
    left for the officer to give."""
    for key in ("exam_date", "exam_time", "exam_place"):
        data.pop(key, None)
    # the step sending the second summons records the absence at the first (a second
    # summons of a step voided since is still among the case's letters)
    second = facts.step_trigger == names.SECOND_SUMMONS_TRIGGER
    for kind, trigger, label in _SUMMONS[1:] if second else _SUMMONS:
        if kind in latest:
            summons = latest[kind]
            data.update(summons_label=label, summons_number=summons.number,
                        summons_date=summons.on)  # fmt: skip
            named = facts.step_inputs.get(trigger, {})
            for source, target in (
                ("examination_date", "exam_date"),
                ("examination_time", "exam_time"),
                ("examination_place", "exam_place"),
            ):
                if named.get(source):
                    data[target] = _maybe_date(named[source])
            return


def _appeal(route: str, forum: str | None) -> dict[str, Any]:
    """The decree's appeal clause: banding goes to BPASN; a keberatan to the forum resolved
    for the official who decided (left out when unknown: the template then says so, rather
    than print a forum that may not exist)."""
    appeal: dict[str, Any] = {"route": route, "days": 14}
    to = "Badan Pertimbangan Aparatur Sipil Negara" if route == "banding" else forum
    if to:
        appeal["to"] = to
    return appeal


def _appeal_decision(facts: LetterFacts, latest: Mapping[str, EarlierLetter]) -> dict[str, Any]:
    """What an appeal decision and the letters after it cite: its outcome (the step's, or
    the recorded one), the objection's date, and the appeal decree once issued."""
    data: dict[str, Any] = {}
    outcome = names.APPEAL_OUTCOMES.get(facts.step_trigger or "")
    if facts.step_trigger == names.APPEAL_CHANGE_TRIGGER:
        outcome = facts.facts.get("outcome")
    if outcome:
        data["outcome"] = outcome
    if facts.facts.get("keberatan_on"):
        data["objection_date"] = _maybe_date(facts.facts["keberatan_on"])
    if facts.facts.get(names.BLOCKING_FACT):
        data["blocking_requested"] = _maybe_date(facts.facts[names.BLOCKING_FACT])
    finding = names.NO_SANCTION_FINDINGS.get(facts.step_trigger or "")
    if finding:
        data.update(finding=finding, considerations=facts.facts.get("reason", ""))
    if facts.facts.get("bpasn_number"):  # BPASN changed the sanction (ubah_banding)
        data["bpasn_decision_number"] = facts.facts["bpasn_number"]
        data["bpasn_decision_date"] = _maybe_date(facts.facts.get("berlaku_on", ""))
    appeal = latest.get(names.APPEAL_DECISION)
    if appeal is not None:
        data.update(appeal_decision_number=appeal.number, appeal_decision_date=appeal.on)
    return data


def _maybe_date(value: str) -> date | str:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return value


def _members(text: str) -> list[dict[str, str]]:
    """The recorded team or panel as the rows a letter prints (sanctions.cases.composition).
    A case whose members were recorded before they were structured (`nama;NIP;jabatan[;peran]
    |…`, no longer accepted as input) still prints them as they were given."""
    if composition.is_structured(text):
        members = composition.from_fact(text)
        return composition.printed(members, team=any(m.element for m in members))
    rows = []
    for i, item in enumerate(p for p in text.split("|") if p.strip()):
        parts = [x.strip() for x in item.split(";")]
        name, nip, position = [*parts, "", "", ""][:3]
        role = parts[3] if len(parts) > 3 else ("Ketua" if i == 0 else "Anggota")
        rows.append({"name": name, "nip": nip, "position": position, "role": role})
    return rows


def _examiners(kind: str, text: str) -> dict[str, Any]:
    """The team the case recorded examines: the BAP lists its members, the summons names
    its chair as the examiner (the officer's own values still replace them)."""
    if not composition.is_structured(text):
        return {}
    rows = composition.printed(composition.from_fact(text), team=True)
    people = [{k: row[k] for k in ("name", "nip", "rank", "position")} for row in rows]
    if kind == names.EXAMINATION_RECORD:
        return {"examiners": people}
    if kind in names.SUMMONS_LETTERS:
        chairs = [p for p, r in zip(people, rows, strict=True) if r["role"].startswith("Ketua")]
        return {"examiner": (chairs or people)[0]}
    return {}


# -- canonical form --------------------------------------------------------------------
def to_json(context: Mapping[str, Any]) -> dict[str, Any]:
    """The context as JSON-safe data; dates become {"$date": "YYYY-MM-DD"}."""
    data: dict[str, Any] = json.loads(json.dumps(context, default=_encode, sort_keys=True))
    return data


def from_json(data: Mapping[str, Any]) -> dict[str, Any]:
    decoded: dict[str, Any] = json.loads(json.dumps(data), object_hook=_decode)
    return decoded


def content_hash(context: Mapping[str, Any]) -> str:
    canonical = json.dumps(to_json(context), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def with_verification(
    context: Mapping[str, Any], *, number: str, url: str | None
) -> dict[str, Any]:
    """Add what the QR code carries: the number, the content hash and the verification URL."""
    digest = content_hash(context)
    link = f"{url.rstrip('/')}/{digest}" if url else None
    return {**context, "verification": {"number": number, "content_hash": digest, "url": link}}


def _encode(value: Any) -> Any:
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _decode(obj: dict[str, Any]) -> Any:
    if set(obj) == {"$date"}:
        return date.fromisoformat(obj["$date"])
    return obj
