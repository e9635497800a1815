"""Indonesian report words to comparable terms: the shorthand reports use, then a small affix
stripper.

A report says "ASN memposting foto bareng paslon di medsos"; the catalogue says "Memposting
di media sosial ... foto bersama bakal calon". `terms()` turns both into the same terms:
shorthand and loanwords are expanded first (`VARIANTS`: medsos, narsum, paslon, parpol,
like/komen/share ...), then each word loses its particle, possessive, derivational suffix and
up to two prefixes, with the nasal prefixes recoded as Indonesian spells them (memasang →
pasang, menyebarkan → sebar, menulis → tulis). The stripper aims at consistency (the same
word in the report and in the catalogue becomes the same term), not at a dictionary stem.
Pure and deterministic.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

__all__ = ["STOPWORDS", "VARIANTS", "stem", "terms"]

# Shorthand and loanwords in reports → the catalogue's words. Phrases are replaced before
# words; each key is matched as whole words.
VARIANTS: Final[dict[str, str]] = {
    # social media
    "medsos": "media sosial",
    "sosmed": "media sosial",
    "social media": "media sosial",
    "facebook": "media sosial",
    "fb": "media sosial",
    "instagram": "media sosial",
    "ig": "media sosial",
    "tiktok": "media sosial",
    "twitter": "media sosial",
    "whatsapp": "media sosial",
    "wa": "media sosial",
    "youtube": "media sosial",
    "grup wa": "grup",
    "story": "posting",
    "status": "posting",
    "upload": "posting",
    "diupload": "posting",
    "mengupload": "posting",
    "unggah": "posting",
    "mengunggah": "posting",
    "diunggah": "posting",
    "unggahan": "posting",
    "post": "posting",
    "postingan": "posting",
    "memposting": "posting",
    "diposting": "posting",
    "like": "like",
    "likes": "like",
    "ngelike": "like",
    "nge-like": "like",
    "menyukai": "like",
    "disukai": "like",
    "komen": "comment",
    "komentar": "comment",
    "berkomentar": "comment",
    "mengomentari": "comment",
    "share": "share",
    "ngeshare": "share",
    "membagikan": "share",
    "dibagikan": "share",
    "menyebarkan": "share",
    "menyebarluaskan": "share",
    "repost": "share",
    "retweet": "share",
    "follow": "follow",
    "ikuti": "ikut",
    "mengikuti": "ikut",
    "diikuti": "ikut",
    "keikutsertaan": "ikut",
    "pengenalan": "kenal",
    "ngefollow": "follow",
    # parties and candidates
    "parpol": "partai politik",
    "partai": "partai",
    "paslon": "pasangan calon",
    "bapaslon": "bakal pasangan calon",
    "bacalon": "bakal calon",
    "bacaleg": "bakal calon legislatif",
    "caleg": "calon legislatif",
    "cakada": "calon kepala daerah",
    "capres": "calon presiden",
    "cawapres": "calon wakil presiden",
    "cagub": "calon gubernur",
    "cawagub": "calon wakil gubernur",
    "cabup": "calon bupati",
    "cawabup": "calon wakil bupati",
    "cawalkot": "calon wali kota",
    "kandidat": "calon",
    "timses": "tim pemenangan",
    "tim pemenangan": "tim pemenangan",
    "jurkam": "juru kampanye",
    "narsum": "narasumber",
    "nara sumber": "narasumber",
    "pembicara": "narasumber pembicara",
    # props
    "apk": "alat peraga kampanye",
    "banner": "spanduk",
    "poster": "alat peraga",
    "stiker": "alat peraga",
    "billboard": "baliho",
    # state facilities
    "mobil dinas": "fasilitas negara",
    "kendaraan dinas": "fasilitas negara",
    "fasilitas dinas": "fasilitas negara",
    "fasilitas kantor": "fasilitas negara",
    "rumah dinas": "fasilitas negara",
    "fasilitas pemerintah": "fasilitas negara",
    # identity cards
    "e-ktp": "ktp",
    "ektp": "ktp",
    "kartu tanda penduduk": "ktp",
    # spelling
    "himbauan": "imbauan",
    "menghimbau": "imbauan",
    "bareng": "bersama",
    "foto bareng": "foto bersama",
    "selfie": "foto",
    "swafoto": "foto",
    "sembako": "pemberian barang",
    "bingkisan": "pemberian barang",
    "amplop": "pemberian barang",
    "hadiah": "pemberian barang",
    "tim sukses": "tim pemenangan",
    "seragam": "atribut",
    "pakai": "guna",
    "memakai": "guna",
    "mengenakan": "guna",
    "melobi": "pendekatan",
    "lobi": "pendekatan",
    "kakak": "orang lain",
    "adik": "orang lain",
    "kerabat": "orang lain",
    "teman": "orang lain",
    "rekan": "orang lain",
    "maju": "calon",
    "nyalon": "calon",
    "nyaleg": "calon legislatif",
    "mundur": "undur",
    "pilkada": "pemilihan",
    "pileg": "pemilu",
    "pilpres": "pemilu",
}

# Words that say nothing about the conduct (articles, prepositions, how reports refer to the
# employee).
STOPWORDS: Final = frozenset(
    {
        "yang",
        "dan",
        "atau",
        "di",
        "ke",
        "dari",
        "untuk",
        "dengan",
        "pada",
        "dalam",
        "oleh",
        "serta",
        "para",
        "ini",
        "itu",
        "tersebut",
        "adalah",
        "tidak",
        "tanpa",
        "tapi",
        "tetapi",
        "namun",
        "belum",
        "agar",
        "supaya",
        "lewat",
        "melalui",
        "via",
        "sebagai",
        "akan",
        "telah",
        "sudah",
        "sedang",
        "juga",
        "secara",
        "terhadap",
        "kepada",
        "bagi",
        "tentang",
        "saat",
        "ketika",
        "sebelum",
        "selama",
        "sesudah",
        "setelah",
        "hingga",
        "sampai",
        "masa",
        "asn",
        "pns",
        "pegawai",
        "aparatur",
        "sipil",
        "negeri",
        "terlapor",
        "diduga",
        "dugaan",
        "sdr",
        "saudara",
        "saudari",
        "bapak",
        "ibu",
        "seorang",
        "oknum",
        "melakukan",
        "laporan",
        "dilaporkan",
        "warga",
        "masyarakat",
        "kabupaten",
        "kota",
        "provinsi",
        "tahun",
        "tanggal",
        "hari",
        "nomor",
    }
)

# Words whose ending is not a suffix (pasangan is not pasang + an: "pasangan calon").
_KEEP: Final = frozenset(
    {
        "pasangan",
        "golongan",
        "pimpinan",
        "bagian",
        "tahapan",
        "lainnya",
        "pemilu",
        "pemilihan",
        "kampanye",
        "peraga",
        "peserta",
        "ktp",
        "dpr",
        "dpd",
        "dprd",
        "calon",
        "bakal",
        "partai",
        "media",
        "sosial",
        "bersama",
    }
)
_PARTICLE: Final = re.compile(r"(?:lah|kah|tah|pun)$")
_POSSESSIVE: Final = re.compile(r"(?:ku|mu|nya)$")
_SUFFIX: Final = re.compile(r"(?:kan|an|i)$")
_VOWEL: Final = "aeiou"
_WORD: Final = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_MIN: Final = 3


def _phrase_pattern() -> re.Pattern[str]:
    keys = sorted(VARIANTS, key=len, reverse=True)
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(re.escape(k) for k in keys) + r")(?![a-z0-9])")


_PHRASES: Final = _phrase_pattern()


def _prefix(word: str) -> str | None:
    """The word without one derivational prefix (recoded), or None if it has none."""
    rules: tuple[tuple[str, str], ...] = (
        ("meny", "s"), ("peny", "s"),
        ("meng", ""), ("peng", ""),
        ("mem", "p"), ("pem", "p"),
        ("men", "t"), ("pen", "t"),
    )  # fmt: skip
    for prefix, recode in rules:
        if not word.startswith(prefix):
            continue
        rest = word[len(prefix) :]
        if not rest:
            return None
        if rest[0] in _VOWEL:
            return recode + rest if prefix[-1] != "g" else rest
        if prefix.endswith("m") and rest[0] in "bpf":
            return rest
        if prefix.endswith("n") and rest[0] in "cdjtz":
            return rest
        if prefix.endswith("g") and rest[0] in "ghk":
            return rest
        if prefix.endswith("ny"):
            return None
    for prefix in ("ber", "ter", "per", "di", "ke", "se", "me", "pe", "be"):
        if word.startswith(prefix) and len(word) - len(prefix) >= _MIN:
            rest = word[len(prefix) :]
            if prefix in ("me", "pe") and rest[0] not in "lmnrwy":
                continue
            if prefix == "be" and rest[0] == "r":
                continue
            return rest
    return None


def stem(word: str) -> str:
    """The word without its particle and possessive, one derivational prefix (recoded; then
    per-/ber-/ter- once more) and its derivational suffix."""
    if word in _KEEP or len(word) <= _MIN + 1 or not word.isalpha():
        return word
    for pattern in (_PARTICLE, _POSSESSIVE):
        cut = pattern.sub("", word)
        if cut != word and len(cut) >= _MIN + 1:
            word = cut
    rest = _prefix(word)
    prefixed = rest is not None and len(rest) >= _MIN
    if rest is not None and prefixed:
        first = word[: len(word) - len(rest)]
        word = rest
        # memper-, diper-, keber-: a second prefix
        again = "per" if first in ("mem", "di", "pe") else "ber" if first == "ke" else None
        if again and word.startswith(again) and len(word) - len(again) >= _MIN + 1:
            word = word[len(again) :]
    for suffix in ("kan", "an", "i"):
        if not word.endswith(suffix) or len(word) - len(suffix) < _MIN:
            continue
        if suffix == "i" and (len(word) < 6 or word.endswith("si") or not prefixed):
            continue
        return word[: -len(suffix)]
    return word


def terms(text: str) -> tuple[str, ...]:
    """The distinct comparable terms of `text`, in order of first appearance."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    folded = re.sub(r"[/,;:()\[\]\"'.!?&+]", " ", folded)
    expanded = _PHRASES.sub(lambda m: VARIANTS[m.group(0)], folded)
    found: dict[str, None] = {}
    for word in _WORD.findall(expanded):
        for part in word.split("-") if "-" in word and word not in VARIANTS else (word,):
            for term in _terms_of(part):
                found.setdefault(term, None)
    return tuple(found)


def _terms_of(word: str) -> tuple[str, ...]:
    """A word's terms: none for a stopword or a number; its stem, or the expansion of a
    shorthand the stem reveals ("kakaknya" → kakak → orang lain)."""
    if word in STOPWORDS or word.isdigit():
        return ()
    term = stem(word)
    expansion = VARIANTS.get(term)
    if expansion is not None and " " not in term and expansion != term:
        return tuple(t for w in expansion.split() for t in _terms_of(w) if t != term)
    return () if term in STOPWORDS else (term,)
