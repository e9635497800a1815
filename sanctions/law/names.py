"""Every name in the declared law that the code itself relies on, in one place.

Modules import these constants instead of writing the names inline, and
`sanctions.law.check` refuses declarations that lack any of them, naming the file and the
module that needs it. Renaming a state, trigger, deadline, rule or document kind in the YAML
therefore fails on load instead of silently changing what the code does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["state", "trigger", "deadline", "rule", "letter", "ladder_step"]


@dataclass(frozen=True)
class CodeName:
    kind: Kind
    name: str
    used_by: str  # the module and what for, for the error message


def _n(kind: Kind, name: str, used_by: str) -> str:
    NAMES.append(CodeName(kind, name, used_by))
    return name


NAMES: list[CodeName] = []

# -- workflow (every version must declare these) -------------------------------------------
RECOMMENDED_STATE = _n(
    "state", "direkomendasikan", "sanctions.reports.figures: where follow-up is counted from"
)
RECOMMEND_TRIGGER = _n(
    "trigger",
    "rekomendasikan",
    "sanctions.law.migrations: whether the old supervisory body already recommended",
)
FIRST_SUMMONS_TRIGGER = _n(
    "trigger", "panggil", "sanctions.letters.context: the first examination date"
)
SECOND_SUMMONS_TRIGGER = _n(
    "trigger", "panggil_ulang", "sanctions.letters.context: whether a second summons was sent"
)
FOLLOW_UP_DEADLINE = _n(
    "deadline",
    "tindak_lanjut_ppk",
    "sanctions.reports.figures and sanctions.letters.service: the PPK's follow-up due date",
)
SANCTION_IN_FORCE_RULE = _n(
    "rule", "sanction_in_force_state", "sanctions.cases.guards: when a sanction's period starts"
)
EFFECT_DAYS_RULE = _n(
    "rule", "effect_working_days", "sanctions.letters.context: the decree's effect clause"
)
CONFIDENTIAL_READERS_RULE = _n(
    "rule", "confidential_readers", "sanctions.letters.service: who reads a Rahasia letter"
)

# The outcome an appeal step's decree states (the change step records its own, `outcome`).
APPEAL_OUTCOMES = {
    _n("trigger", "kuatkan_keberatan", "sanctions.letters.context: outcome menguatkan"): (
        "menguatkan"
    ),
    _n("trigger", "batalkan_keputusan", "sanctions.letters.context: outcome membatalkan"): (
        "membatalkan"
    ),
}
APPEAL_CHANGE_TRIGGER = _n(
    "trigger", "ubah_keberatan", "sanctions.letters.context: the recorded appeal outcome"
)
APPEAL_CHANGE_TRIGGERS = (
    APPEAL_CHANGE_TRIGGER,
    _n("trigger", "ubah_banding", "sanctions.cases.service: the sanction an appeal replaced"),
)

# The exits without a sanction, and what the notice to the supervisory body says of each.
NO_SANCTION_FINDINGS = {
    _n(
        "trigger",
        "nyatakan_tidak_terbukti_pemeriksaan",
        "sanctions.letters.context: the examination did not prove the violation",
    ): "tidak_terbukti",
    _n(
        "trigger",
        "nyatakan_tidak_bersalah",
        "sanctions.letters.context: the ethics panel found no breach",
    ): "tidak_bersalah",
    _n(
        "trigger",
        "catat_pengunduran_diri",
        "sanctions.letters.context: the candidate resigned from the civil service",
    ): "mengundurkan_diri",
}
# A candidate who did not resign (UU 20/2023 Ps 56, 59(3)): the PPK's request cites the day
# by which the written statement is due.
RESIGNATION_REQUEST = _n(
    "letter",
    "permintaan_pengunduran_diri",
    "sanctions.letters.context: the request cites the statement's due date",
)
RESIGNATION_DEADLINE = _n(
    "deadline",
    "pernyataan_pengunduran_diri",
    "sanctions.letters.context: the day the written resignation is due",
)

RELEASE_TRIGGER = _n(
    "trigger",
    "bebaskan_sementara",
    "sanctions.cases.service: a temporary release ends when the case leaves its states",
)

# Repeat offences (sanctions.cases.repeat): a case imposed its sanction once it entered a
# decision state; an annulled decision imposed none.
DECISION_STATES = (
    _n("state", "diputus", "sanctions.cases.repeat: the day a disciplinary sanction was decided"),
    _n("state", "sanksi_moral", "sanctions.cases.repeat: the day a moral sanction was imposed"),
)
ANNULLED_STATE = _n(
    "state", "dianulir", "sanctions.cases.repeat: an annulled decision is no earlier sanction"
)
REPEAT_OFFENCE_RULE = _n(
    "rule", "repeat_offence_same_kind", "sanctions.cases.repeat: what the same kind of violation is"
)

SERVING_EFFECTS_RULE = _n(
    "rule",
    "serving_withholds_kgb_levels",
    "sanctions.cases.guards: no KGB or promotion while such a sanction is served",
)
CONTEST_OFFICES_RULE = _n(
    "rule",
    "contest_offices",
    "sanctions.cases.penetapan: the offices a contest dates penetapan for",
)

# -- letter kinds (letter_templates/documents.yaml) ---------------------------------------
CITED_LETTERS = {
    prefix: _n("letter", kind, f"sanctions.letters.context: later letters cite {prefix}_number")
    for prefix, kind in (
        ("recommendation", "rekomendasi"),
        ("forwarding", "surat_penerusan"),
        ("first_summons", "surat_panggilan_1"),
        ("lhp", "lhp"),
        ("reminder", "surat_pengingat_ppk"),
        ("warning", "surat_teguran_ppk"),
    )
}
SUMMONS_LETTERS = tuple(
    _n("letter", kind, "sanctions.letters.context: the team's chair is the examiner named")
    for kind in ("surat_panggilan_1", "surat_panggilan_2")
)
ABSENCE_RECORD = _n(
    "letter",
    "ba_ketidakhadiran",
    "sanctions.letters.context: the examination missed, from the summons it answers",
)
EXAMINATION_RECORD = _n(
    "letter", "bap", "sanctions.letters.context: whether the examinee signed, the copy handed"
)
APPEAL_DECISION = _n(
    "letter", "keputusan_keberatan", "sanctions.letters.context: later letters cite it"
)
TEAM_DECREE = _n("letter", "sk_tim_pemeriksa", "sanctions.letters.context: team_decree_number")
DECISION_LETTERS = (
    _n("letter", "sk_hukuman_disiplin", "sanctions.letters.context: the decision cited"),
    _n("letter", "sanksi_moral", "sanctions.letters.context: the decision cited"),
)

# The voiding letter of each issuer (sanctions.cases.correction): a letter of a step voided by
# a correction is voided by a numbered letter of the issuer that issued it.
VOIDING_LETTERS = {
    issuer: _n("letter", kind, "sanctions.cases.correction: voids a letter of this issuer")
    for issuer, kind in (
        ("case_agency", "pembatalan_naskah"),
        ("supervisory_body", "pembatalan_naskah_pengawas"),
        ("bawaslu", "pembatalan_naskah_bawaslu"),
        ("signer_office", "pembatalan_naskah_atasan"),
        ("bpasn", "pembatalan_naskah_bpasn"),
    )
}

# The declared recipient that issues letters of its own (documents.yaml `issuer: bpasn`): the
# agency its `agency_code` names issues them (sanctions.letters.service).
BPASN_RECIPIENT = "bpasn"

# -- escalation ladder (workflows/escalation.yaml) ----------------------------------------
BLOCKING_FACT = "blokir_diminta_on"  # a fact the reminder job records, read by reports
BLOCKING_STEP = _n(
    "ladder_step",
    "permintaan_blokir",
    "sanctions.deadlines.reminders: records the day blocking was requested",
)
