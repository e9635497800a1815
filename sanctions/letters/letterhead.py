"""Which kop, which number series: chosen together from who signs, purely.

Tata naskah dinas ties three things together: a letter the regional head (Bupati, Wali Kota,
Gubernur) or a minister signs in person sits on the kop naskah dinas jabatan (the Garuda
Pancasila centred on top, then the office, "BUPATI SLEMAN", and no address) and carries the
office's own number; a letter the agency's head signs (also "a.n. Bupati Sleman") sits on the
agency's kop (the lambang on the left; PEMERINTAH KABUPATEN SLEMAN, the agency's name, its
address and contacts, the double line under them) and carries the agency's number. Which
offices sign on a kop jabatan is declared (`letter_templates/documents.yaml`, `kop_jabatan`).

`choose` is the one place that decides; the letter service numbers with its `numbering` and
the letter's context prints its `kop` and `signer`, so the three cannot disagree.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

from sanctions.letters.numbering import register_of, uses_placeholder

KopStyle = Literal["jabatan", "instansi"]
# The counter every series of an agency shares when its pattern does not show the series.
ALL_SERIES: Final = "*"
# The office's own series when the agency declares none (`agency edit --head-pattern`) [U]:
# its literal keeps it apart from the agency's numbers.
HEAD_PATTERN: Final = "{code}/{seq}/{agency}/PPK/{year}"
HEAD_COUNTER: Final = "ppk"
_HOLDER_PREFIXES: Final = ("pj.", "plt.", "plh.")


@dataclass(frozen=True)
class Registers:
    """An issuer's numbering patterns (agencies table)."""

    numbering_pattern: str
    decree_pattern: str | None = None
    head_pattern: str | None = None


@dataclass(frozen=True)
class Numbering:
    pattern: str
    counter: str  # the letter_sequences series the number is allocated from


@dataclass(frozen=True)
class Letterhead:
    style: KopStyle
    lines: tuple[str, ...]  # the kop's heading lines, top to bottom (the last is the issuer's)
    image: str | None  # SHA-256 of the emblem (jabatan) or the lambang (instansi); None: none
    image_role: str  # "emblem" | "logo": what `image` is, for messages
    signer: Mapping[str, Any]
    numbering: Numbering
    # (address, telephone) and (website, e-mail) of the agency kop, each a line of pieces
    contacts: tuple[tuple[str, ...], ...] = ()

    def as_context(self) -> dict[str, Any]:
        """The `kop` of a letter's context (documents.yaml: common keys)."""
        return {
            "style": self.style,
            "lines": list(self.lines),
            "contacts": [list(line) for line in self.contacts],
            "image": self.image,
            "image_role": self.image_role,
        }

    @property
    def missing_image(self) -> str | None:
        """What to warn about when the kop prints without its image."""
        if self.image is not None:
            return None
        if self.style == "jabatan":
            return (
                "the kop jabatan prints without the Garuda Pancasila: register the emblem "
                "image with `sanctions agency edit CODE --emblem FILE` (PNG or SVG)"
            )
        return (
            "the kop prints without the issuer's lambang: register it with "
            "`sanctions agency edit CODE --logo FILE` (PNG or SVG)"
        )


@dataclass(frozen=True)
class Issuer:
    """What the choice reads of an issuer (sanctions.letters.context.Party holds it)."""

    code: str
    name: str
    parent: str
    address: str
    phone: str
    website: str
    email: str
    office_title: str  # the PPK's office as registered (agencies.ppk_title): "Bupati Sleman"
    logo: str | None
    emblem: str | None
    registers: Registers


def is_office_of_state(title: str, offices: Sequence[str]) -> bool:
    """Whether `title` names an office that signs on a kop jabatan ("Bupati Sleman" with the
    declared office "Bupati"; "Pj. Bupati Sleman", a penjabat, too)."""
    words = _words(_office(title))
    return any(words[: len(_words(o))] == _words(o) for o in offices if _words(o))


def signs_in_person(signer: Mapping[str, Any], office_title: str) -> bool:
    """Whether `signer` is the office holder signing as the office (a Plt. or Plh. of the
    office included), not someone signing a.n./u.b. for them."""
    if signer.get("on_behalf"):
        return False
    return _words(str(signer.get("title", ""))) == _words(office_title)


def choose(
    issuer: Issuer, signer: Mapping[str, Any], *, series: str, offices: Sequence[str]
) -> Letterhead:
    """The kop and the number series of a letter of `series` signed by `signer` for
    `issuer`; `offices` are the declared offices that sign on a kop jabatan."""
    jabatan = signs_in_person(signer, issuer.office_title) and is_office_of_state(
        issuer.office_title, offices
    )
    if jabatan:
        return Letterhead(
            style="jabatan",
            lines=tuple(line.upper() for line in _office_lines(_office(issuer.office_title))),
            image=issuer.emblem,
            image_role="emblem",
            signer=signer,
            numbering=_numbering(issuer.registers, series, head=True),
        )
    # Each contact line is pieces printed one after another with a space; the address may
    # wrap, every other piece (a telephone number, a website) is kept on one line.
    contacts = tuple(
        part for part in (issuer.address, f"Telepon {issuer.phone}" if issuer.phone else "") if part
    )
    web = [
        f"{label} {value}"
        for label, value in (("Laman", issuer.website), ("Pos-el", issuer.email))
        if value
    ]
    online = [*(f"{part}," for part in web[:-1]), *web[-1:]]
    lines = [*_office_lines(issuer.parent)] if issuer.parent else []
    lines.append(issuer.name)
    return Letterhead(
        style="instansi",
        lines=tuple(line.upper() for line in lines),
        contacts=tuple(line for line in (contacts, tuple(online)) if line),
        image=issuer.logo,
        image_role="logo",
        signer=signer,
        numbering=_numbering(issuer.registers, series, head=False),
    )


def head_pattern(registers: Registers) -> str:
    """The series of the letters the office holder signs in person."""
    return registers.head_pattern or HEAD_PATTERN


def _numbering(registers: Registers, series: str, *, head: bool) -> Numbering:
    if series == "keputusan" and registers.decree_pattern:
        # the register of decrees of its own: its pattern, its counter
        return Numbering(registers.decree_pattern, "keputusan")
    if head:
        pattern = head_pattern(registers)
        shows = uses_placeholder(pattern, "series")
        return Numbering(pattern, f"{HEAD_COUNTER}:{series}" if shows else HEAD_COUNTER)
    # the agency's own registers (sanctions/letters/numbering.py)
    return Numbering(
        *register_of(series, numbering_pattern=registers.numbering_pattern, decree_pattern=None)
    )


def _office_lines(title: str) -> tuple[str, ...]:
    """A minister's office or a ministry on two lines, as a kop prints them ("MENTERI DALAM
    NEGERI" / "REPUBLIK INDONESIA"); another on one."""
    head, sep, tail = title.strip().rpartition(" Republik Indonesia")
    if sep and not tail and head:
        return (head, "Republik Indonesia")
    return (title.strip(),)


def _office(title: str) -> str:
    """The office without a penjabat's or an acting holder's prefix: the kop jabatan names
    the office ("BUPATI SLEMAN"); the signature says "Pj. Bupati Sleman"."""
    head, _, rest = title.strip().partition(" ")
    return rest if head.casefold() in _HOLDER_PREFIXES and rest else title.strip()


def _words(text: str) -> list[str]:
    return re.sub(r"\s+", " ", text.replace("-", " ")).strip().casefold().split(" ") if text else []
