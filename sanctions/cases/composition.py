"""Who may sit on the Tim Pemeriksa (PP 94/2021) and the Majelis Kode Etik (PP 42/2004): the
members as structured data, and the pure rules on their composition.

A step that forms the team or the panel takes `members`: one member per item, items separated
by `|`, each a list of `key=value` fields separated by `;`:

    nama=Drs. Sutrisno, M.Si.; nip=196805121994031005; jabatan=Sekretaris Daerah;
    golongan=IV/c; unsur=atasan_langsung; kedudukan=ketua | nama=…

`nama`, `nip` (an 18-digit NIP or NI PPPK, checked as registry.nip checks any number),
`jabatan` and `golongan` (ruang "III/b"/"IV/a" for a PNS, "I".."XVII" for a PPPK, optionally
after the pangkat: "Pembina Utama Muda, IV/c") are required; `unsur` (the team's element)
and `kedudukan` (ketua, sekretaris, anggota) as each body needs them. The value the case
records (the `members` fact) is the canonical JSON of the parsed members, so every later
letter (BAP, LHP, the summons) prints the same people.

The thresholds (the team's elements and the substitute for an involved superior, the panel's
minimum and odd size, the rank rule) are workflow `rules:` with their basis and confidence;
this module only applies them. No clock, no database: the day a NIP is judged on is passed in.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Final

from sanctions.errors import InputError, InvalidNip
from sanctions.registry.nip import parse_nip

# The team's elements (PP 94/2021 Ps 27, as restated) and the panel's places (PP 42/2004),
# with how a letter prints them. The workflow's rules name which are required.
ELEMENTS: Final[Mapping[str, str]] = {
    "atasan_langsung": "unsur atasan langsung",
    "pengawasan": "unsur pengawasan",
    "kepegawaian": "unsur kepegawaian",
    "pejabat_lain": "pejabat lain yang ditunjuk",
}
ROLES: Final[Mapping[str, str]] = {
    "ketua": "Ketua merangkap Anggota",
    "sekretaris": "Sekretaris merangkap Anggota",
    "anggota": "Anggota",
}
FIELDS: Final[Mapping[str, str]] = {
    "nama": "name",
    "nip": "nip",
    "jabatan": "position",
    "golongan": "rank",
    "unsur": "element",
    "kedudukan": "role",
}
REQUIRED_FIELDS: Final = ("nama", "nip", "jabatan", "golongan")
FIELD_MEANINGS: Final[Mapping[str, str]] = {
    "nama": "name with degrees (required)",
    "nip": "18-digit NIP or NI PPPK (required)",
    "jabatan": "position (required)",
    "golongan": "golongan ruang, e.g. 'Pembina, IV/a' (PPPK: I..XVII) (required)",
    "unsur": f"{' | '.join(ELEMENTS)} (Tim Pemeriksa: required)",
    "kedudukan": f"{' | '.join(ROLES)} (Majelis Kode Etik: required; team: first is ketua)",
}
EXAMPLE: Final = (
    "nama=Drs. Sutrisno, M.Si.; nip=196805121994031005; jabatan=Sekretaris Daerah; "
    "golongan=IV/c; unsur=atasan_langsung; kedudukan=ketua | nama=…; nip=…; jabatan=…; "
    "golongan=…; unsur=pengawasan"
)
FORM: Final = (
    "give each member as key=value fields separated by ';' (members separated by '|'): "
    f"nama, nip, jabatan, golongan, unsur ({', '.join(ELEMENTS)}; the Tim Pemeriksa), "
    f"kedudukan ({', '.join(ROLES)}); e.g. {EXAMPLE}"
)

_PNS_RANK = re.compile(r"\b(IV|III|II|I)\s*/\s*([a-eA-E])\b")
_ROMAN: Final[tuple[str, ...]] = (
    *("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"),
    *("XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII"),
)
_PPPK_RANK = re.compile(r"\b(" + "|".join(sorted(_ROMAN, key=len, reverse=True)) + r")\s*$")


@dataclass(frozen=True, order=True)
class Rank:
    """A golongan on its scale: PNS ruang I/a..IV/e, or PPPK golongan I..XVII. Ranks of two
    scales are not compared (no declared correspondence)."""

    scale: str  # "PNS" | "PPPK"
    order: int
    label: str  # as printed: "IV/c", "IX"


def parse_rank(text: str | None, employee_type: str) -> Rank | None:
    """The golongan in a recorded rank ("Penata Muda Tingkat I, III/b" → III/b), or None."""
    if not text:
        return None
    if employee_type == "PPPK":
        pppk = _PPPK_RANK.search(text.strip())
        return Rank("PPPK", _ROMAN.index(pppk.group(1)) + 1, pppk.group(1)) if pppk else None
    found = _PNS_RANK.findall(text)
    if not found:
        return None
    roman, letter = found[-1]
    order = _ROMAN.index(roman) * 10 + "abcde".index(letter.lower())
    return Rank("PNS", order, f"{roman}/{letter.lower()}")


@dataclass(frozen=True)
class Member:
    name: str
    nip: str  # 18 digits
    position: str
    rank: str  # the golongan as given
    employee_type: str  # PNS | PPPK, read from the NIP
    element: str | None = None  # the team's unsur
    role: str | None = None  # ketua | sekretaris | anggota

    @property
    def golongan(self) -> Rank | None:
        return parse_rank(self.rank, self.employee_type)


def parse_members(text: str, *, today: date) -> tuple[Member, ...]:
    """Read the `members` input (see the module's docstring). Raises InputError naming the
    member and the field that is wrong, with the structured form; the old positional form
    (`nama;NIP;jabatan`) is refused the same way."""
    stripped = text.strip()
    items = [item.strip() for item in stripped.split("|") if item.strip()]
    if not items:
        raise InputError(f"members: no member given; {FORM}")
    members = []
    for i, item in enumerate(items, 1):
        members.append(_member(i, item, today))
    seen: dict[str, int] = {}
    for i, m in enumerate(members, 1):
        if m.nip in seen:
            raise InputError(f"members[{i}]: NIP {m.nip} is already member {seen[m.nip]}")
        seen[m.nip] = i
    return tuple(members)


def _member(i: int, item: str, today: date) -> Member:
    where = f"members[{i}]"
    fields: dict[str, str] = {}
    for part in (p.strip() for p in item.split(";")):
        if not part:
            continue
        key, sep, value = part.partition("=")
        key = key.strip().lower()
        if not sep:
            raise InputError(
                f"{where}: {part!r} is not a key=value field (the old form 'nama;NIP;jabatan' "
                f"is no longer accepted: the composition rules need golongan and unsur); {FORM}"
            )
        if key not in FIELDS:
            raise InputError(f"{where}: unknown field {key!r} (allowed: {', '.join(FIELDS)})")
        if key in fields:
            raise InputError(f"{where}: field {key!r} given twice")
        fields[key] = value.strip()
    missing = [k for k in REQUIRED_FIELDS if not fields.get(k)]
    if missing:
        raise InputError(f"{where}: missing {', '.join(missing)}; {FORM}")
    nip, kind = _nip(where, fields["nip"], today)
    element = fields.get("unsur") or None
    if element is not None and element not in ELEMENTS:
        raise InputError(f"{where}: unknown unsur {element!r} (allowed: {', '.join(ELEMENTS)})")
    role = (fields.get("kedudukan") or "").lower() or None
    if role is not None and role not in ROLES:
        raise InputError(f"{where}: unknown kedudukan {role!r} (allowed: {', '.join(ROLES)})")
    member = Member(
        name=fields["nama"],
        nip=nip,
        position=fields["jabatan"],
        rank=fields["golongan"],
        employee_type=kind,
        element=element,
        role=role,
    )
    if member.golongan is None:
        expected = "I..XVII (a PPPK golongan)" if kind == "PPPK" else "a ruang like III/b or IV/a"
        raise InputError(f"{where}: golongan {member.rank!r} for {kind} {nip}: expected {expected}")
    return member


def _nip(where: str, text: str, today: date) -> tuple[str, str]:
    """The member's number, as a NIP (PNS) or else an NI PPPK; the NIP's error when neither."""
    try:
        return parse_nip(text, employee_type="PNS", today=today).digits, "PNS"
    except InvalidNip as as_pns:
        try:
            return parse_nip(text, employee_type="PPPK", today=today).digits, "PPPK"
        except InvalidNip:
            raise InvalidNip(f"{where}: {as_pns}") from None


def to_fact(members: Sequence[Member]) -> str:
    """The canonical JSON the case records as its `members` fact."""
    rows = [{k: v for k, v in asdict(m).items() if v is not None} for m in members]
    return json.dumps(rows, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def from_fact(text: str) -> tuple[Member, ...]:
    """The members a case recorded (`to_fact`); only ever read back, never taken as input."""
    try:
        rows = json.loads(text)
        members = tuple(Member(**row) for row in rows)
    except (ValueError, TypeError) as e:
        raise InputError(f"members: not the recorded form ({e}); {FORM}") from None
    if not all(isinstance(v, str | None) for m in members for v in asdict(m).values()):
        raise InputError(f"members: not the recorded form (a value is not a text); {FORM}")
    return members


def read(text: str, *, today: date) -> tuple[Member, ...]:
    """The members as a guard sees them: the recorded form once the step checked its inputs,
    else as the officer typed them."""
    return from_fact(text) if is_structured(text) else parse_members(text, today=today)


def summary(members: Sequence[Member]) -> str:
    """One line per team or panel for `case show`: name (golongan, unsur, kedudukan) | …"""
    return " | ".join(
        f"{m.name} ({', '.join(x for x in (m.rank, m.element, m.role) if x)})" for m in members
    )


def is_structured(text: str) -> bool:
    return text.strip().startswith("[")


def with_roles(members: Sequence[Member]) -> list[Member]:
    """A team given without places: the first member chairs, the others are members."""
    if any(m.role for m in members):
        return [m if m.role else _replace_role(m, "anggota") for m in members]
    return [_replace_role(m, "ketua" if i == 0 else "anggota") for i, m in enumerate(members)]


def _replace_role(m: Member, role: str) -> Member:
    return Member(**{**asdict(m), "role": role})


# -- the rules ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Examinee:
    nip: str
    employee_type: str
    rank: str | None


def team_problems(
    members: Sequence[Member],
    examinee: Examinee,
    *,
    required: Iterable[str],
    substitute: str,
    superior_involved: bool,
) -> list[str]:
    """What is wrong with a Tim Pemeriksa: every required element present (the direct
    superior's place taken by `substitute` when the superior is involved, and then the
    superior not on the team), at most one chair and one secretary, the examinee not on it."""
    problems = []
    given = {m.element for m in members}
    unplaced = [str(i) for i, m in enumerate(members, 1) if m.element is None]
    if unplaced:
        problems.append(
            f"member {', '.join(unplaced)} names no unsur (each member of the Tim Pemeriksa "
            f"sits for one: {', '.join(ELEMENTS)})"
        )
    for element in required:
        if element == "atasan_langsung" and superior_involved:
            if element in given:
                problems.append(
                    "the direct superior is recorded as involved, so no member may sit as "
                    f"atasan_langsung; the {substitute} named in their place sits instead"
                )
            if substitute not in given:
                problems.append(
                    f"the direct superior is involved: a member with unsur={substitute} (the "
                    "next superior up) must take their place"
                )
            continue
        if element not in given:
            problems.append(f"the Tim Pemeriksa has no member with unsur={element}")
    problems.extend(_places(with_roles(members), "the Tim Pemeriksa"))
    problems.extend(_examinee_on(members, examinee))
    return problems


def panel_problems(
    members: Sequence[Member], examinee: Examinee, *, min_members: int, odd: bool
) -> list[str]:
    """What is wrong with a Majelis Kode Etik: one chair, one secretary, at least
    `min_members` members besides them, an odd number in all when `odd`, the examinee not on
    it."""
    problems = []
    unplaced = [str(i) for i, m in enumerate(members, 1) if m.role is None]
    if unplaced:
        problems.append(
            f"member {', '.join(unplaced)} names no kedudukan (ketua, sekretaris or anggota)"
        )
    roles = [m.role for m in members]
    for role in ("ketua", "sekretaris"):
        if roles.count(role) != 1:
            problems.append(f"the Majelis Kode Etik needs one {role} (given: {roles.count(role)})")
    others = roles.count("anggota")
    if others < min_members:
        problems.append(
            f"the Majelis Kode Etik needs at least {min_members} anggota besides the ketua and "
            f"the sekretaris (given: {others})"
        )
    if odd and len(members) % 2 == 0:
        problems.append(
            f"the Majelis Kode Etik must have an odd number of members (given: {len(members)})"
        )
    problems.extend(_examinee_on(members, examinee))
    return problems


def _places(members: Sequence[Member], body: str) -> list[str]:
    roles = [m.role for m in members]
    return [
        f"{body} has {roles.count(r)} members as {r}; at most one"
        for r in ("ketua", "sekretaris")
        if roles.count(r) > 1
    ]


def _examinee_on(members: Sequence[Member], examinee: Examinee) -> list[str]:
    return [
        f"member {i} ({m.name}) is the examinee; the examinee cannot sit on the body"
        for i, m in enumerate(members, 1)
        if m.nip == examinee.nip
    ]


def junior_members(members: Sequence[Member], examinee: Examinee) -> list[str]:
    """The members whose golongan is lower than the examinee's, on the same scale."""
    own = parse_rank(examinee.rank, examinee.employee_type)
    if own is None:
        return []
    return [
        f"member {i} ({m.name}, {rank.label}) is junior to the examinee ({own.label})"
        for i, m in enumerate(members, 1)
        if (rank := m.golongan) is not None and rank.scale == own.scale and rank.order < own.order
    ]


def rank_warnings(members: Sequence[Member], examinee: Examinee) -> list[str]:
    """Where the rank rule could not be applied (nothing is refused for it): the examinee's
    golongan is not recorded, or a member's golongan is on the other scale (PNS and PPPK
    golongan have no declared correspondence)."""
    own = parse_rank(examinee.rank, examinee.employee_type)
    if own is None:
        return [
            f"the examinee's golongan is not recorded ({examinee.rank or 'no rank'}): confirm "
            "that no member is junior to them"
        ]
    return [
        f"member {i} ({m.name}, {m.employee_type} golongan {rank.label}) cannot be compared "
        f"with the examinee's {own.scale} golongan {own.label}: confirm they are not junior"
        for i, m in enumerate(members, 1)
        if (rank := m.golongan) is not None and rank.scale != own.scale
    ]


def printed(members: Sequence[Member], *, team: bool) -> list[dict[str, str]]:
    """The rows a letter prints: name, NIP, rank, position, role (kedudukan) and element."""
    rows = []
    for m in with_roles(members) if team else members:
        row = {
            "name": m.name,
            "nip": m.nip,
            "rank": m.rank,
            "position": m.position,
            "role": ROLES.get(m.role or "anggota", "Anggota"),
        }
        if m.element:
            row["element"] = ELEMENTS[m.element]
        rows.append(row)
    return rows
