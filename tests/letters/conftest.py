"""Fixtures for the letter tests: the template folder, a Jinja environment, one PDF renderer per
test session, and `sample_context(kind)`: a realistic context for every document kind.

`build_sample_context` is a plain function so scripts (scripts/bench_letters.py) can load this
file by path and reuse it.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
import pytest

from sanctions.letters.documents import load_documents
from sanctions.letters.numbering import format_number
from sanctions.letters.render import make_environment

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "letter_templates"
TITLES = {kind: spec.title for kind, spec in load_documents(TEMPLATE_DIR).items()}

ALL_KINDS = (
    "tanda_terima_laporan",
    "surat_penerusan",
    "permintaan_klarifikasi",
    "rekomendasi",
    "sk_tim_pemeriksa",
    "sk_pembebasan_sementara",
    "surat_panggilan_1",
    "surat_panggilan_2",
    "bap",
    "ba_ketidakhadiran",
    "lhp",
    "sk_hukuman_disiplin",
    "sanksi_moral",
    "sk_majelis_kode_etik",
    "panggilan_penerimaan_keputusan",
    "ba_penyampaian_keputusan",
    "surat_pengantar_keputusan",
    "laporan_tindak_lanjut",
    "surat_pengingat_ppk",
    "surat_teguran_ppk",
    "permintaan_pemblokiran",
    "surat_eskalasi",
    "tanda_terima_keberatan",
    "tanda_terima_banding",
    "keputusan_keberatan",
    "pemberitahuan_pengalihan",
    "pemberitahuan_pembatalan",
    "tanggapan_banding",
    "pembatalan_naskah",
    "pembatalan_naskah_pengawas",
    "pembatalan_naskah_bawaslu",
    "pembatalan_naskah_atasan",
    "pembatalan_naskah_bpasn",
    "pemberitahuan_tidak_terbukti",
    "permintaan_pengunduran_diri",
)

SANCTIONS: dict[str, dict[str, Any]] = {
    "R-1": {"name": "Teguran lisan", "level": "ringan", "months": None, "ayat": "(2) huruf a"},
    "R-2": {"name": "Teguran tertulis", "level": "ringan", "months": None, "ayat": "(2) huruf b"},
    "R-3": {
        "name": "Pernyataan tidak puas secara tertulis",
        "level": "ringan",
        "months": None,
        "ayat": "(2) huruf c",
    },
    "S-1": {"name": "Pemotongan tukin 25% 6 bulan", "level": "sedang", "months": 6, "ayat": "(3)"},
    "S-2": {"name": "Pemotongan tukin 25% 9 bulan", "level": "sedang", "months": 9, "ayat": "(3)"},
    "S-3": {
        "name": "Pemotongan tukin 25% 12 bulan",
        "level": "sedang",
        "months": 12,
        "ayat": "(3)",
    },
    "S-1T": {"name": "Penundaan KGB 1 tahun", "level": "sedang", "months": 12, "ayat": "(3)"},
    "S-2T": {"name": "Penundaan KP 1 tahun", "level": "sedang", "months": 12, "ayat": "(3)"},
    "S-3T": {"name": "Penurunan pangkat 1 tahun", "level": "sedang", "months": 12, "ayat": "(3)"},
    "B-1": {"name": "Penurunan jabatan", "level": "berat", "months": 12, "ayat": "(4) huruf a"},
    "B-2": {
        "name": "Pembebasan dari jabatan",
        "level": "berat",
        "months": 12,
        "ayat": "(4) huruf b",
    },
    "B-3": {"name": "PDHTAPS", "level": "berat", "months": None, "ayat": "(4) huruf c"},
    "PTDH": {"name": "PTDH", "level": "pemberhentian", "months": None, "ayat": None},
    "PPPK-PHK": {"name": "PHK PPPK", "level": "pemberhentian", "months": None, "ayat": None},
    "MOR-T": {"name": "Pernyataan secara tertutup", "level": "moral", "months": None, "ayat": None},
    "MOR-B": {"name": "Pernyataan secara terbuka", "level": "moral", "months": None, "ayat": None},
}

PEMDA: dict[str, Any] = {
    "name": "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
    "parent": "Pemerintah Kabupaten Sleman",
    "address": "Jalan Parasamya Nomor 1, Beran, Tridadi, Sleman, Yogyakarta 55511",
    "phone": "(0274) 868405",
    "website": "bkpsdm.slemankab.go.id",
    "email": "bkpsdm@slemankab.go.id",
    "city": "Sleman",
    "page_number_style": "dash",
    "e_signature": True,
    "verification_url": "https://tte.slemankab.go.id/verifikasi",
    "kind": "daerah",
}
BKN: dict[str, Any] = {
    "name": "Badan Kepegawaian Negara",
    "parent": None,
    "address": "Jalan Mayjen Sutoyo Nomor 12, Cililitan, Jakarta Timur 13640",
    "phone": "(021) 8093008",
    "website": "www.bkn.go.id",
    "email": "humas@bkn.go.id",
    "city": "Jakarta",
    "page_number_style": "halaman",
    "e_signature": True,
    "verification_url": "https://www.bkn.go.id/verifikasi",
    "kind": "pusat",
}
BAWASLU: dict[str, Any] = {
    "name": "Badan Pengawas Pemilihan Umum Kabupaten Sleman",
    "parent": None,
    "address": "Jalan Candi Gebang Nomor 11, Wedomartani, Ngemplak, Sleman 55584",
    "phone": "(0274) 4477019",
    "website": "sleman.bawaslu.go.id",
    "email": "set.sleman@bawaslu.go.id",
    "city": "Sleman",
    "page_number_style": "dash",
    "e_signature": False,
    "verification_url": None,
    "kind": "daerah",
}
BPASN: dict[str, Any] = {
    "name": "Badan Pertimbangan Aparatur Sipil Negara",
    "parent": None,
    "address": "Jalan Jenderal Sudirman Kav. 69, Jakarta Selatan 12190",
    "phone": "(021) 7398381",
    "website": "",
    "email": "",
    "city": "Jakarta",
    "page_number_style": "halaman",
    "e_signature": False,
    "verification_url": None,
    "kind": "pusat",
}
KETUA_BPASN = {
    "title": "Ketua Badan Pertimbangan Aparatur Sipil Negara",
    "name": "Ketua BPASN",
    "nip": None,
    "rank": None,
}

BUPATI = {
    "title": "Bupati Sleman",
    "name": "Dr. Harda Kiswaya, M.Si.",
    "nip": None,  # an elected official has no NIP
    "rank": None,
}
KEPALA_BKPSDM = {
    "title": "Kepala Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
    "name": "Budi Pramono, S.H., M.M.",
    "nip": "197203151998031004",
    "rank": "Pembina Utama Muda (IV/c)",
}
KEPALA_DINAS = {
    "title": "Kepala Dinas Pendidikan",
    "name": "Ery Widaryana, S.Sos., M.M.",
    "nip": "197001211990031003",
    "rank": "Pembina Tingkat I (IV/b)",
}
DEPUTI_BKN = {
    "title": "Deputi Bidang Pengawasan dan Pengendalian",
    "name": "Dr. Suharmen, M.Si.",
    "nip": "197103071997031002",
    "rank": None,
}
KETUA_BAWASLU = {
    "title": "Ketua Badan Pengawas Pemilihan Umum Kabupaten Sleman",
    "name": "Arjuna Al Ichsan Siregar",
    "nip": "198212212009011002",
    "rank": None,
}
# The officers who take a document in at the receiving office and sign its receipt
# ("Yang menerima"), never the head by default (workflows/authority.yaml receiving_officer).
RECEIVER_BAWASLU = {
    "name": "Dwi Lestari, S.H.",
    "nip": "199003142015032004",
    "position": "Penata Kelola Pemilu Ahli Pertama Sekretariat Bawaslu Kabupaten Sleman",
}
RECEIVER_BPASN = {
    "name": "Rahmat Hidayat, S.H.",
    "nip": "198702142010121002",
    "position": "Analis Hukum Ahli Muda Sekretariat Badan Pertimbangan Aparatur Sipil Negara",
}
RECEIVER_BKPSDM = {
    "name": "Yoga Pratama, S.H.",
    "nip": "198101102005011004",
    "position": "Analis Sumber Daya Manusia Aparatur Ahli Muda",
}


def receiving_signer(receiver: dict[str, Any]) -> dict[str, Any]:
    return {"title": receiver["position"], "name": receiver["name"], "nip": receiver["nip"],
            "rank": None}  # fmt: skip


EMPLOYEE = {
    "name": "Drs. Agus Santoso, M.Pd.",
    "nip": "198609262015051001",
    "employee_type": "PNS",
    "rank": "Penata Tingkat I, III/d",
    "position": "Kepala Seksi Kurikulum Sekolah Dasar",
    "unit": "Dinas Pendidikan Kabupaten Sleman",
    "address": "Jalan Kaliurang Km 10,5 Nomor 17\nNgaglik, Sleman 55581",
}
PPPK_EMPLOYEE = {
    "name": "Rina Wulandari, S.Pd.",
    "nip": "199001152022212003",
    "employee_type": "PPPK",
    "rank": "IX",
    "position": "Guru Ahli Pertama",
    "unit": "SD Negeri 2 Ngaglik",
    "address": "Jalan Palagan Km 8\nSleman 55581",
}
EXAMINERS = [
    {
        "name": "Ery Widaryana, S.Sos., M.M.",
        "nip": "197001211990031003",
        "rank": "Pembina Tingkat I, IV/b",
        "position": "Kepala Dinas Pendidikan",
        "role": "Ketua merangkap Anggota",
    },
    {
        "name": "Sri Handayani, S.E., M.Ak.",
        "nip": "197508172000032002",
        "rank": "Pembina, IV/a",
        "position": "Inspektur Pembantu Wilayah II",
        "role": "Anggota (unsur pengawasan)",
    },
    {
        "name": "Yoga Pratama, S.H.",
        "nip": "198101102005011004",
        "rank": "Penata Tingkat I, III/d",
        "position": "Kepala Bidang Pembinaan dan Kesejahteraan Pegawai",
        "role": "Anggota (unsur kepegawaian)",
    },
]
CASE = {
    "reference": "NTR-2026-0042",
    "register_number": "015/Reg/LP/PB/Kab/14.04/XI/2026",
    "contest": "Pemilihan Bupati dan Wakil Bupati Sleman Tahun 2026",
    "act_date": date(2026, 10, 12),
    "allegations": [
        {
            "code": "DIS-07",
            "conduct": (
                "mengunggah foto bersama bakal calon Bupati beserta ajakan memilih di akun "
                "media sosial pribadi"
            ),
            "basis": (
                "Pasal 5 huruf n angka 6 Peraturan Pemerintah Nomor 94 Tahun 2021 tentang "
                "Disiplin Pegawai Negeri Sipil"
            ),
            "norm": (
                "Pasal 5 huruf n angka 6 Peraturan Pemerintah Nomor 94 Tahun 2021 tentang "
                "Disiplin Pegawai Negeri Sipil"
            ),
        },
        {
            "code": "DIS-08",
            "conduct": "menghadiri pertemuan tim pemenangan bakal calon pada hari kerja",
            "basis": (
                "Pasal 5 huruf n angka 6 Peraturan Pemerintah Nomor 94 Tahun 2021 tentang "
                "Disiplin Pegawai Negeri Sipil"
            ),
            "norm": (
                "Pasal 5 huruf n angka 6 Peraturan Pemerintah Nomor 94 Tahun 2021 tentang "
                "Disiplin Pegawai Negeri Sipil"
            ),
        },
    ],
}
ETHICS_ALLEGATIONS = [
    {
        "code": "ETK-02",
        "conduct": (
            "memasang spanduk yang mempromosikan bakal calon Bupati sebelum penetapan calon"
        ),
        "basis": (
            "Keputusan Bersama tentang Pedoman Pembinaan dan Pengawasan Netralitas Pegawai ASN "
            "Tahun 2022 jo. Peraturan Pemerintah Nomor 42 Tahun 2004 tentang Pembinaan Jiwa "
            "Korps dan Kode Etik Pegawai Negeri Sipil"
        ),
        "norm": (
            "Pasal 11 huruf c Peraturan Pemerintah Nomor 42 Tahun 2004 tentang Pembinaan Jiwa "
            "Korps dan Kode Etik Pegawai Negeri Sipil"
        ),
    }
]
SUPERVISORY_BODY = {
    "name": "Badan Kepegawaian Negara",
    "short_name": "BKN",
    "address": "Jalan Mayjen Sutoyo Nomor 12, Cililitan, Jakarta Timur 13640",
}
RECOMMENDATION = {
    "level": "sedang",
    "level_label": "hukuman disiplin tingkat sedang",
    "basis": "Pasal 8 ayat (3) Peraturan Pemerintah Nomor 94 Tahun 2021",
    "follow_up_due": date(2026, 12, 18),
}
PPK = {"name": "Bupati Sleman", "address": "Jalan Parasamya Nomor 1, Beran\nSleman 55511"}
BKN_HEAD = {"name": "Kepala Badan Kepegawaian Negara", "address": "di Jakarta"}
TEMBUSAN = [
    "Kepala Badan Kepegawaian Negara",
    "Inspektur Kabupaten Sleman",
    "Kepala Dinas Pendidikan Kabupaten Sleman",
]


def sanction(code: str) -> dict[str, Any]:
    """The `sanction` context value for a catalogue code."""
    row = SANCTIONS[code]
    if code.startswith("MOR"):
        basis = (
            "Pasal 15 ayat (3) Peraturan Pemerintah Nomor 42 Tahun 2004 tentang Pembinaan Jiwa "
            "Korps dan Kode Etik Pegawai Negeri Sipil"
        )
    elif code == "PTDH":
        basis = "Pasal 52 ayat (3) huruf j Undang-Undang Nomor 20 Tahun 2023"
    elif code == "PPPK-PHK":
        basis = "Pasal 53 Peraturan Pemerintah Nomor 49 Tahun 2018"
    else:
        basis = f"Pasal 8 ayat {row['ayat']} Peraturan Pemerintah Nomor 94 Tahun 2021"
    return {
        "code": code,
        "name": row["name"],
        "level": row["level"],
        "duration_months": row["months"],
        "basis": basis,
    }


def appeal_for(code: str) -> dict[str, Any] | None:
    level = SANCTIONS[code]["level"]
    if level in ("ringan", "moral"):
        return None
    if code in ("B-3", "PTDH", "PPPK-PHK"):
        return {"route": "banding", "to": "Badan Pertimbangan Aparatur Sipil Negara", "days": 14}
    return {"route": "keberatan", "to": "Gubernur Daerah Istimewa Yogyakarta", "days": 14}


# kind -> (issuer, signer, addressee (None: the employee), sifat, hal)
_HEADS: dict[str, tuple[dict[str, Any], dict[str, Any], dict[str, Any] | None, str, str]] = {
    "tanda_terima_laporan": (BAWASLU, receiving_signer(RECEIVER_BAWASLU), None, "Biasa", ""),
    "surat_penerusan": (
        BAWASLU,
        KETUA_BAWASLU,
        BKN_HEAD,
        "Segera",
        "Penerusan Dugaan Pelanggaran Netralitas Aparatur Sipil Negara",
    ),
    "permintaan_klarifikasi": (BKN, DEPUTI_BKN, PPK, "Segera", "Permintaan Klarifikasi"),
    "rekomendasi": (
        BKN,
        DEPUTI_BKN,
        PPK,
        "Penting",
        "Rekomendasi atas Pelanggaran Netralitas Aparatur Sipil Negara",
    ),
    "sk_tim_pemeriksa": (PEMDA, BUPATI, None, "Rahasia", ""),
    "sk_pembebasan_sementara": (PEMDA, BUPATI, None, "Rahasia", ""),
    "surat_panggilan_1": (PEMDA, KEPALA_DINAS, None, "Rahasia", "Panggilan I"),
    "pembatalan_naskah": (PEMDA, BUPATI, None, "Penting", "Pembatalan Naskah Dinas"),
    "pembatalan_naskah_pengawas": (BKN, DEPUTI_BKN, PPK, "Penting", "Pembatalan Naskah Dinas"),
    "pembatalan_naskah_bawaslu": (
        BAWASLU,
        KETUA_BAWASLU,
        BKN_HEAD,
        "Penting",
        "Pembatalan Naskah Dinas",
    ),
    # the direct superior's office voids its own letter (the temporary release)
    "pembatalan_naskah_atasan": (PEMDA, KEPALA_DINAS, None, "Penting", "Pembatalan Naskah Dinas"),
    "pembatalan_naskah_bpasn": (BPASN, KETUA_BPASN, None, "Penting", "Pembatalan Naskah Dinas"),
    "surat_panggilan_2": (PEMDA, KEPALA_DINAS, None, "Rahasia", "Panggilan II"),
    "bap": (PEMDA, KEPALA_DINAS, None, "Rahasia", ""),
    "ba_ketidakhadiran": (PEMDA, KEPALA_DINAS, None, "Rahasia", ""),
    "lhp": (PEMDA, KEPALA_DINAS, None, "Rahasia", ""),
    "sk_hukuman_disiplin": (PEMDA, BUPATI, None, "Rahasia", ""),
    "sanksi_moral": (PEMDA, BUPATI, None, "Rahasia", ""),
    "sk_majelis_kode_etik": (PEMDA, BUPATI, None, "Rahasia", ""),
    "panggilan_penerimaan_keputusan": (
        PEMDA,
        KEPALA_BKPSDM,
        None,
        "Rahasia",
        "Panggilan untuk Menerima Keputusan",
    ),
    "ba_penyampaian_keputusan": (PEMDA, KEPALA_BKPSDM, None, "Rahasia", ""),
    "surat_pengantar_keputusan": (
        PEMDA,
        KEPALA_BKPSDM,
        None,
        "Rahasia",
        "Penyampaian Keputusan Hukuman Disiplin",
    ),
    "laporan_tindak_lanjut": (
        PEMDA,
        BUPATI,
        BKN_HEAD,
        "Penting",
        "Laporan Tindak Lanjut Rekomendasi",
    ),
    "surat_pengingat_ppk": (
        BKN,
        DEPUTI_BKN,
        PPK,
        "Segera",
        "Pengingat Tindak Lanjut Rekomendasi",
    ),
    "surat_teguran_ppk": (BKN, DEPUTI_BKN, PPK, "Penting", "Teguran"),
    "permintaan_pemblokiran": (
        BKN,
        DEPUTI_BKN,
        {"name": "Direktur Pengolahan Data dan Penyajian Informasi", "address": "di Jakarta"},
        "Segera",
        "Permintaan Pemblokiran Data Kepegawaian",
    ),
    "pemberitahuan_pembatalan": (
        PEMDA,
        BUPATI,
        BKN_HEAD,
        "Penting",
        "Pemberitahuan Pembatalan Keputusan Hukuman Disiplin",
    ),
    "permintaan_pengunduran_diri": (
        PEMDA,
        BUPATI,
        None,
        "Rahasia",
        "Permintaan Pernyataan Pengunduran Diri sebagai Pegawai Aparatur Sipil Negara",
    ),
    "pemberitahuan_tidak_terbukti": (
        PEMDA,
        BUPATI,
        BKN_HEAD,
        "Penting",
        "Pemberitahuan Hasil Tindak Lanjut Rekomendasi",
    ),
    "tanggapan_banding": (
        PEMDA,
        BUPATI,
        {"name": "Ketua Badan Pertimbangan Aparatur Sipil Negara", "address": "Jakarta"},
        "Rahasia",
        "Tanggapan atas Banding Administratif",
    ),
    "pemberitahuan_pengalihan": (
        BKN,
        DEPUTI_BKN,
        PPK,
        "Penting",
        "Pemberitahuan Pengalihan Penanganan Perkara",
    ),
    "surat_eskalasi": (
        BKN,
        DEPUTI_BKN,
        {"name": "Menteri Dalam Negeri", "address": "Jalan Medan Merdeka Utara Nomor 7\nJakarta"},
        "Penting",
        "Penyampaian Pelanggaran Netralitas ASN yang Belum Ditindaklanjuti",
    ),
    "tanda_terima_keberatan": (PEMDA, receiving_signer(RECEIVER_BKPSDM), None, "Biasa", ""),
    # a banding is lodged with BPASN (copied to the PPK): BPASN receives it
    "tanda_terima_banding": (BPASN, receiving_signer(RECEIVER_BPASN), None, "Biasa", ""),
    "keputusan_keberatan": (
        PEMDA,
        {
            "title": "Gubernur Daerah Istimewa Yogyakarta",
            "name": "Hamengku Buwono X",
            "nip": None,
            "rank": None,
        },
        None,
        "Rahasia",
        "",
    ),
}

_DECISION = {
    "decision_title": "Keputusan Bupati Sleman tentang Penjatuhan Hukuman Disiplin Tingkat Sedang",
    "decision_number": "800.1.6.4/0213/BKPSDM/2026",
    "decision_date": date(2026, 11, 30),
}
_RECOMMENDATION_LETTER = {
    "recommendation_number": "R-1194/BKN/WASDAL/11/2026",
    "recommendation_date": date(2026, 11, 20),
}


def _data(kind: str) -> dict[str, Any]:
    if kind == "tanda_terima_laporan":
        return {
            "received_time": "10.15 WIB",
            "reporter": {"name": "Suryo Hadi Nugroho", "address": "Jalan Magelang Km 7, Sleman"},
            "event_place": "Balai Padukuhan Sariharjo, Ngaglik, Sleman",
            "summary": (
                "Terlapor mengunggah foto bersama bakal calon Bupati dengan keterangan ajakan "
                "untuk memilih pada akun Facebook pribadinya."
            ),
            "evidence": ["tangkapan layar unggahan (3 lembar)", "tautan unggahan"],
            "receiver": dict(RECEIVER_BAWASLU),
        }
    if kind == "surat_penerusan":
        return {
            "review_date": date(2026, 10, 20),
            "attachments": [
                "formulir laporan dan tanda terima;",
                "kajian dugaan pelanggaran;",
                "salinan bukti.",
            ],
        }
    if kind in ("permintaan_klarifikasi", "rekomendasi"):
        values: dict[str, Any] = {
            "forwarding_sender": "Ketua Badan Pengawas Pemilihan Umum Kabupaten Sleman",
            "forwarding_number": "083/PP.01.02/K.YO-04/10/2026",
            "forwarding_date": date(2026, 10, 21),
        }
        if kind == "permintaan_klarifikasi":
            values["reply_due"] = date(2026, 11, 6)
        return values
    if kind == "sk_tim_pemeriksa":
        return {
            "basis_document": (
                "Rekomendasi Badan Kepegawaian Negara Nomor R-1194/BKN/WASDAL/11/2026 "
                "tanggal 20 November 2026"
            ),
            "threatened_level": "sedang",
            "team": EXAMINERS,
        }
    if kind == "sk_pembebasan_sementara":
        return {
            "team_decree_number": "800.1.6.4/0198/BKPSDM/2026",
            "team_decree_date": date(2026, 11, 23),
            "start_date": date(2026, 11, 25),
            "acting_official": "Kepala Bidang Pembinaan Sekolah Dasar selaku pelaksana harian",
        }
    if kind in ("surat_panggilan_1", "surat_panggilan_2"):
        values = {
            "examiner": EXAMINERS[0],
            "exam_date": date(2026, 12, 3),
            "exam_time": "09.00 WIB s.d. selesai",
            "exam_place": "Ruang Rapat Dinas Pendidikan, Jalan Parasamya Nomor 1, Sleman",
        }
        if kind == "surat_panggilan_2":
            values.update(
                first_exam_date=date(2026, 12, 3),
                first_summons_number="800.1.6.4/0201/DISDIK/2026",
                first_summons_date=date(2026, 11, 24),
                exam_date=date(2026, 12, 10),
            )
        return values
    if kind == "bap":
        return {
            "examinee_refused": False,
            "copy_handed_on": date(2026, 12, 3),
            "exam_place": "Ruang Rapat Dinas Pendidikan Kabupaten Sleman",
            "examiners": EXAMINERS,
            "team_decree_number": "800.1.6.4/0198/BKPSDM/2026",
            "qa": [
                {
                    "question": "Apakah Saudara dalam keadaan sehat jasmani dan rohani?",
                    "answer": "Ya, saya dalam keadaan sehat.",
                },
                {
                    "question": (
                        "Apakah benar Saudara mengunggah foto bersama bakal calon Bupati pada "
                        "tanggal 12 Oktober 2026?"
                    ),
                    "answer": "Benar, foto itu saya unggah setelah acara keluarga.",
                },
                {
                    "question": "Apakah Saudara mengetahui larangan tersebut?",
                    "answer": "Saya mengetahuinya dan saya menyesal.",
                },
            ],
        }
    if kind == "ba_ketidakhadiran":
        return {
            "recorded_time": "12.00 WIB",
            "exam_date": date(2026, 12, 3),  # the day of the record: "pada hari ini"
            "exam_place": "Ruang Rapat Dinas Pendidikan Kabupaten Sleman",
            "exam_time": "09.00 WIB",
            "summons_label": "Panggilan I",
            "summons_number": "800.1.6.4/0201/DISDIK/2026",
            "summons_date": date(2026, 11, 24),
            "witnesses": EXAMINERS[1:],
        }
    if kind == "lhp":
        return {
            "report_to": "Bupati Sleman selaku Pejabat yang Berwenang Menghukum",
            "exam_date": date(2026, 12, 3),
            "pppk_with_honour": None,
            "findings": [
                {
                    "form": "Mengunggah foto bersama bakal calon beserta ajakan memilih",
                    "time": date(2026, 10, 12),
                    "place": "Akun Facebook pribadi",
                    "aggravating": "Dilakukan oleh pejabat struktural; dilihat lebih dari 2.000 kali",  # noqa: E501
                    "mitigating": "Mengakui perbuatan dan menghapus unggahan",
                    "impact": "Menurunkan kepercayaan masyarakat terhadap netralitas ASN",
                }
            ],
        }
    if kind == "sk_hukuman_disiplin":
        return {
            "lhp_number": "800.1.6.4/0230/DISDIK/2026",
            "lhp_date": date(2026, 12, 7),
            "appeal": appeal_for("S-1"),
            "effect_working_days": 15,
            "pppk_with_honour": None,
        }
    if kind == "sanksi_moral":
        return {
            "mke_number": "800.1.6.5/0011/MKE/2026",
            "mke_date": date(2026, 11, 27),
            "forum": "upacara bendera di lingkungan Pemerintah Kabupaten Sleman",
        }
    if kind == "sk_majelis_kode_etik":
        members = [
            {**EXAMINERS[0], "role": "Ketua"},
            {**EXAMINERS[2], "role": "Sekretaris"},
            {**EXAMINERS[1], "role": "Anggota"},
        ]
        return {
            "basis_document": (
                "Rekomendasi Badan Kepegawaian Negara Nomor R-1194/BKN/WASDAL/11/2026"
            ),
            "members": members,
        }
    if kind in ("panggilan_penerimaan_keputusan", "surat_pengantar_keputusan"):
        return {
            **_DECISION,
            "meeting_date": date(2026, 12, 4),
            "meeting_time": "10.00 WIB",
            "meeting_place": "Kantor BKPSDM Kabupaten Sleman",
        }
    if kind == "ba_penyampaian_keputusan":
        return {**_DECISION, "delivery_place": "Kantor BKPSDM Kabupaten Sleman"}
    if kind == "laporan_tindak_lanjut":
        return {**_RECOMMENDATION_LETTER, **_DECISION, "pppk_with_honour": None}
    if kind in ("surat_pengingat_ppk", "surat_teguran_ppk"):
        return {
            **_RECOMMENDATION_LETTER,
            "overdue_days": 5,
            "new_due": date(2027, 1, 8),
            "reminder_number": "B-2210/BKN/WASDAL/12/2026",
            "reminder_date": date(2026, 12, 21),
        }
    if kind in ("permintaan_pemblokiran", "surat_eskalasi"):
        return {
            **_RECOMMENDATION_LETTER,
            "overdue_days": 19,
            "reminder_number": "B-2210/BKN/WASDAL/12/2026",
            "warning_number": "B-0032/BKN/WASDAL/01/2027",
            "target_agency": {"name": "Pemerintah Kabupaten Sleman", "kind": "daerah"},
        }
    if kind in ("tanda_terima_keberatan", "tanda_terima_banding"):
        return {
            **_DECISION,
            "received_time": "13.30 WIB",
            "decision_received": date(2026, 12, 4),
            "decided_by": "Gubernur Daerah Istimewa Yogyakarta",
            "decision_due": date(2027, 1, 15),
            "response_due": date(2027, 1, 12),
            "receiver": dict(RECEIVER_BPASN if kind == "tanda_terima_banding" else RECEIVER_BKPSDM),
        }
    if kind == "pemberitahuan_pembatalan":
        return {
            **_RECOMMENDATION_LETTER,
            **_DECISION,
            "appeal_decision_number": "800.1.6.4/0131/BKPSDM/2027",
            "appeal_decision_date": date(2027, 1, 11),
            "blocking_requested": date(2026, 12, 28),
        }
    if kind == "pemberitahuan_tidak_terbukti":
        return {
            **_RECOMMENDATION_LETTER,
            "finding": "tidak_terbukti",
            "considerations": "unggahan tidak dapat dibuktikan dibuat oleh yang bersangkutan",
            "lhp_number": "800.1.6.4/0201/BKPSDM/2026",
            "lhp_date": date(2026, 12, 7),
            "blocking_requested": date(2026, 12, 28),
        }
    if kind == "permintaan_pengunduran_diri":
        return {
            **_RECOMMENDATION_LETTER,
            "candidacy": "calon Wakil Bupati Sleman pada Pemilihan Tahun 2026",
            "candidate_determined_on": date(2026, 11, 2),
            "statement_due": date(2026, 12, 9),
        }
    if kind == "tanggapan_banding":
        return {
            **_DECISION,
            "decision_received": date(2026, 12, 4),
            "answers": ["Pelanggaran terbukti berdasarkan Berita Acara Pemeriksaan."],
        }
    if kind == "pemberitahuan_pengalihan":
        return {
            "instrument": (
                "Surat Edaran Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi "
                "Nomor 04 Tahun 2024 tentang Pengalihan Pelaksanaan Pengawasan Sistem Merit "
                "dalam Manajemen Aparatur Sipil Negara"
            ),
            "previous_body": "Komisi Aparatur Sipil Negara",
            "effective": date(2024, 8, 24),
        }
    if kind.startswith("pembatalan_naskah"):
        return {
            "voided_title": "Surat Panggilan I",
            "voided_number": "800.1.6.4/0104/BKPSDM/2026",
            "voided_date": date(2026, 11, 23),
            "reason": "tanggal pemeriksaan tercatat keliru",
        }
    if kind == "keputusan_keberatan":
        return {
            **_DECISION,
            "objection_date": date(2026, 12, 14),
            "outcome": "menguatkan",
            "reasons": [
                "pelanggaran terbukti berdasarkan Berita Acara Pemeriksaan",
                "hukuman yang dijatuhkan telah sesuai dengan tingkat pelanggaran",
            ],
        }
    raise KeyError(kind)


_SANCTION_OF = {
    "lhp": "S-1",
    "sk_hukuman_disiplin": "S-1",
    "sanksi_moral": "MOR-B",
    "laporan_tindak_lanjut": "S-1",
    "keputusan_keberatan": "S-1",
}
# Numbering pattern and codes per issuer (Permendagri 83/2022 style for the Pemda,
# Permenpan 80/2012 style for BKN, Bawaslu's own).
_NUMBERING: dict[str, tuple[str, str, str]] = {
    PEMDA["name"]: ("{code}/{seq:04d}/{unit}/{year}", "800.1.6.4", "BKPSDM"),
    BKN["name"]: ("{sifat_prefix}-{seq}/{agency}/{unit}/{month:02d}/{year}", "KP.04", "WASDAL"),
    BAWASLU["name"]: ("{seq:03d}/{code}/{unit}/{roman_month}/{year}", "PP.01.02", "K.YO-04"),
    BPASN["name"]: ("{seq}/{agency}/{unit}/{month:02d}/{year}", "KP.04", "SET.BPASN"),
}
_DATES = {
    "tanda_terima_laporan": date(2026, 10, 14),
    "surat_penerusan": date(2026, 10, 21),
    "permintaan_klarifikasi": date(2026, 10, 28),
    "rekomendasi": date(2026, 11, 20),
    "bap": date(2026, 12, 3),
    "ba_ketidakhadiran": date(2026, 12, 3),
    "lhp": date(2026, 12, 7),
}


def build_sample_context(kind: str, **overrides: Any) -> dict[str, Any]:
    """A realistic context for `kind`; keyword overrides replace top-level keys."""
    agency, signer, addressee, sifat, hal = _HEADS[kind]
    on = _DATES.get(kind, date(2026, 11, 23))
    pattern, code, unit = _NUMBERING[agency["name"]]
    seq = 100 + ALL_KINDS.index(kind)
    short = "BPASN" if agency is BPASN else "BKN"  # the {agency} placeholder
    number = format_number(pattern, seq=seq, code=code, unit=unit, agency=short, on=on, sifat=sifat)
    content_hash = hashlib.sha256(f"{kind}|{number}".encode()).hexdigest()
    context: dict[str, Any] = {
        "doc": {
            "kind": kind,
            "title": TITLES[kind],
            "number": number,
            "date": on,
            "place": agency["city"],
            "sifat": sifat,
            "lampiran": "1 (satu) berkas"
            if kind in ("surat_penerusan", "surat_pengantar_keputusan")
            else None,
            "hal": hal or kind.replace("_", " ").title(),
        },
        "agency": dict(agency),
        "signer": dict(signer),
        "addressee": dict(addressee)
        if addressee
        else {"name": "Sdr. " + EMPLOYEE["name"], "address": EMPLOYEE["address"]},
        "tembusan": list(TEMBUSAN),
        "employee": dict(EMPLOYEE),
        "case": copy.deepcopy(CASE),
        "supervisory_body": dict(SUPERVISORY_BODY),
        "recommendation": dict(RECOMMENDATION),
        "data": copy.deepcopy(_data(kind)),
        "verification": {
            "number": number,
            "content_hash": content_hash,
            "url": f"https://tte.slemankab.go.id/v/{content_hash[:20]}",
        },
    }
    if kind in ("sanksi_moral", "sk_majelis_kode_etik"):
        context["case"]["allegations"] = copy.deepcopy(ETHICS_ALLEGATIONS)
    if kind in _SANCTION_OF:
        context["sanction"] = sanction(_SANCTION_OF[kind])
    context.update(overrides)
    return context


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize `kind` over every document kind and `sanction_code` over every catalogued
    sanction code."""
    if "kind" in metafunc.fixturenames:
        metafunc.parametrize("kind", ALL_KINDS)
    if "sanction_code" in metafunc.fixturenames:
        metafunc.parametrize("sanction_code", list(SANCTIONS))


@pytest.fixture
def sanction_of() -> Callable[[str], dict[str, Any]]:
    """`sanction_of(code)`: the `sanction` context value for a catalogue code."""
    return sanction


@pytest.fixture
def appeal_of() -> Callable[[str], dict[str, Any] | None]:
    """`appeal_of(code)`: the `data.appeal` value for a sanction code (None: no appeal)."""
    return appeal_for


@pytest.fixture
def pppk_employee() -> dict[str, Any]:
    return dict(PPPK_EMPLOYEE)


@pytest.fixture(scope="session")
def template_dir() -> Path:
    return TEMPLATE_DIR


@pytest.fixture(scope="session")
def env() -> jinja2.Environment:
    return make_environment(TEMPLATE_DIR)


@pytest.fixture
def sample_context() -> Callable[..., dict[str, Any]]:
    """`sample_context(kind, **overrides)`: a fresh context for one document kind."""
    return build_sample_context


@pytest.fixture(scope="session")
def pdf_renderer(real_pdf_renderer: Any) -> Any:
    """The real WeasyPrint renderer (tests/conftest.py builds one per session)."""
    assert real_pdf_renderer.template_dir == TEMPLATE_DIR.resolve()
    return real_pdf_renderer
