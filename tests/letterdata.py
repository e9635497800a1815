"""What an officer gives for each letter kind (`--letter-data`), for tests that walk cases.

Only the values a case cannot supply itself: numbers and dates of earlier letters, the
examination date and place given as step inputs, the sanction and its appeal route are filled
in by the letter service. `sample_letter_data(kinds)` gives every kind a step issues.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sanctions.cases.workflow import Workflow
from sanctions.catalogue.loader import load_catalogue
from sanctions.letters.documents import load_documents

_ROOT = Path(__file__).resolve().parent.parent
_CATALOGUE = load_catalogue(_ROOT / "workflows" / "catalogue")
_SPECS = load_documents(_ROOT / "letter_templates")
# What the officer confirms where the shipped catalogue has no confirmed article (a violated
# norm or a sanction article): the decision letters ask for it (`articles`).
OFFICER_ARTICLES: Mapping[str, str] = {
    **{
        v.code: "Pasal 5 huruf n Peraturan Pemerintah Nomor 94 Tahun 2021 tentang Disiplin "
        "Pegawai Negeri Sipil"
        for v in _CATALOGUE.violations
        if not v.norm
    },
    **{
        s.code: "Pasal 42 Peraturan Pemerintah Nomor 94 Tahun 2021 tentang Disiplin Pegawai "
        "Negeri Sipil"
        for s in _CATALOGUE.sanctions
        if not s.article
    },
}

EXAMINER = {
    "name": "Ery Widaryana, S.Sos., M.M.",
    "nip": "197001211990031003",
    "rank": "Pembina Tingkat I, IV/b",
    "position": "Kepala Dinas Pendidikan",
}
# A decree decided by an official other than the PPK is signed by that official.
SIGNER = {
    "title": "Kepala Bidang Pembinaan Ketenagaan",
    "name": "Drs. Wahyu Nugroho, M.Pd.",
    "nip": "197203151998031004",
    "rank": "Pembina, IV/a",
}
# The officers who take a document in and sign its receipt ("Yang menerima").
BAWASLU_RECEIVER = {
    "name": "Dwi Lestari, S.H.",
    "nip": "199003142015032004",
    "position": "Penata Kelola Pemilu Ahli Pertama Sekretariat Bawaslu Kabupaten Sleman",
}
# BPASN's officer who receives a banding (lodged with BPASN, copied to the PPK).
BPASN_RECEIVER = {
    "name": "Rahmat Hidayat, S.H.",
    "nip": "198702142010121002",
    "position": "Analis Hukum Ahli Muda Sekretariat Badan Pertimbangan Aparatur Sipil Negara",
}
BKPSDM_RECEIVER = {
    "name": "Yoga Pratama, S.H.",
    "nip": "198101102005011004",
    "position": "Analis Sumber Daya Manusia Aparatur Ahli Muda",
}
# The employee's direct superior (atasan langsung): the head of the school the seeded
# employees teach at. Signs the summons of a case examined without a team and the temporary
# release (the latter on the school's own kop: tests/factories.py add_unit_office).
SUPERIOR = {
    "title": "Kepala SMP Negeri 1 Sleman",
    "name": "Dra. Sri Wahyuni, M.Pd.",
    "nip": "196805121993032006",
    "rank": "Pembina Tingkat I, IV/b",
}
WITNESSES = [
    {"name": "Sri Handayani, S.E.", "nip": "197508172000032002"},
    {"name": "Yoga Pratama, S.H.", "nip": "198101102005011004"},
]

SAMPLE: Mapping[str, Mapping[str, Any]] = {
    "tanda_terima_laporan": {
        "received_time": "10.15 WIB",
        "reporter": {"name": "Ahmad Fauzi", "address": "Jalan Magelang Km 8, Sleman"},
        "event_place": "Akun Facebook pribadi terlapor",
        "summary": "Terlapor mengunggah materi kampanye pasangan calon di media sosial.",
        "evidence": ["Tangkapan layar unggahan (3 lembar)", "Tautan unggahan"],
        "receiver": BAWASLU_RECEIVER,
    },
    "surat_penerusan": {
        "review_date": date(2024, 10, 9),
        "attachments": ["Formulir laporan", "Kajian dugaan pelanggaran", "Salinan bukti"],
    },
    "permintaan_klarifikasi": {"reply_due": date(2024, 10, 28)},
    "rekomendasi": {},
    "sk_tim_pemeriksa": {
        "basis_document": "Rekomendasi Badan Kepegawaian Negara",
        "threatened_level": "berat",
    },
    "surat_panggilan_1": {
        "examiner": EXAMINER,
        "exam_time": "09.00 WIB",
        "exam_place": "Ruang Rapat Inspektorat Kabupaten Sleman",
    },
    "surat_panggilan_2": {
        "examiner": EXAMINER,
        "exam_time": "09.00 WIB",
        "exam_place": "Ruang Rapat Inspektorat Kabupaten Sleman",
    },
    "bap": {
        "exam_place": "Ruang Rapat Inspektorat Kabupaten Sleman",
        "examiners": [{**EXAMINER}],
        "team_decree_number": "800.1.6.4/1/BKPSDM/2024",
        "qa": [
            {"question": "Apakah Saudara mengunggah materi tersebut?", "answer": "Ya."},
            {"question": "Kapan?", "answer": "Tanggal 3 Oktober 2024."},
        ],
    },
    "ba_ketidakhadiran": {
        "recorded_time": "12.00 WIB",
        "exam_place": "Ruang Rapat Inspektorat Kabupaten Sleman",
        "exam_time": "09.00 WIB",
        "witnesses": WITNESSES,
    },
    "lhp": {
        "articles": OFFICER_ARTICLES,
        "report_to": "Bupati Sleman",
        "findings": [
            {
                "form": "Mengunggah materi kampanye pasangan calon",
                "time": date(2024, 10, 3),
                "place": "Akun Facebook pribadi",
                "aggravating": "Dilakukan pada jam kerja",
                "mitigating": "Mengakui perbuatannya",
                "impact": "Menurunkan kepercayaan publik pada netralitas ASN",
            }
        ],
    },
    "sk_hukuman_disiplin": {"articles": OFFICER_ARTICLES},
    "sanksi_moral": {
        "articles": OFFICER_ARTICLES,
        "mke_number": "800.1.6.4/2/BKPSDM/2024",
        "mke_date": date(2024, 10, 28),
    },
    "sk_majelis_kode_etik": {"basis_document": "Rekomendasi Badan Kepegawaian Negara"},
    "panggilan_penerimaan_keputusan": {
        "meeting_date": date(2024, 11, 28),
        "meeting_time": "10.00 WIB",
        "meeting_place": "Ruang Rapat BKPSDM Kabupaten Sleman",
    },
    "ba_penyampaian_keputusan": {"delivery_place": "Ruang Rapat BKPSDM Kabupaten Sleman"},
    "surat_pengantar_keputusan": {"meeting_date": date(2024, 11, 28)},
    "laporan_tindak_lanjut": {},
    "tanda_terima_keberatan": {
        "received_time": "10.00 WIB",
        "decided_by": "Gubernur Daerah Istimewa Yogyakarta",
        "decision_due": date(2025, 1, 31),
        "receiver": BKPSDM_RECEIVER,
    },
    "tanda_terima_banding": {
        "received_time": "10.00 WIB",
        "response_due": date(2025, 1, 31),
        "receiver": BPASN_RECEIVER,
    },
    # The outcome and the objection's date come from the step and the case.
    "keputusan_keberatan": {
        "articles": OFFICER_ARTICLES,
        "reasons": ["pelanggaran tidak dilakukan pada jam kerja"],
    },
    "pemberitahuan_pembatalan": {},
    "pemberitahuan_tidak_terbukti": {},
    # The candidacy, its date and the day the statement is due come from the step and the case.
    "permintaan_pengunduran_diri": {},
    # Signed by the direct superior, who decides the release (workflows/authority.yaml), on
    # the kop of their office (the employee's unit, registered as an issuer); its
    # dates, the team's decree and the acting official come from the case and the step.
    "sk_pembebasan_sementara": {"signer": SUPERIOR},
    "tanggapan_banding": {
        "answers": [
            "Pelanggaran terbukti berdasarkan Berita Acara Pemeriksaan dan alat bukti.",
            "Hukuman yang dijatuhkan sesuai dengan tingkat pelanggaran.",
        ]
    },
}


def sample_letter_data(
    kinds: Iterable[str], *, on: date | None = None, act: date | None = None
) -> dict[str, dict[str, Any]]:
    """The sample values of every kind in `kinds` (a fresh copy each time). With `on`, the
    letters' date, an earlier letter or event (`past_date`) after it is dated that day and a
    day to act by (`due_date`) before it two weeks later: the values make sense in a case of
    any year; a date before the case's `act` is dated `on` too."""
    return {kind: _dated(kind, SAMPLE[kind], on, act) for kind in kinds}


def _dated(
    kind: str, values: Mapping[str, Any], on: date | None, act: date | None
) -> dict[str, Any]:
    if on is None:
        return dict(values)
    types = _SPECS[kind].types
    dated = dict(values)
    for key, value in values.items():
        dates = ("date", "past_date")
        if types.get(key) in dates and (value > on or (act is not None and value < act)):
            dated[key] = on
        elif types.get(key) == "due_date" and value < on:
            dated[key] = on + timedelta(days=14)
    return dated


def letter_data_for(
    workflow: Workflow,
    state: str,
    trigger: str,
    *,
    on: date | None = None,
    act: date | None = None,
) -> dict[str, dict[str, Any]]:
    """Sample values for the letters of every state `trigger` leads to from `state` (dated
    for letters of day `on`, see `sample_letter_data`)."""
    kinds = {
        kind
        for t in workflow.transitions_from(state)
        if t.trigger == trigger
        for kind in workflow.step_letters(t)
    }
    return sample_letter_data(sorted(kinds), on=on, act=act)
