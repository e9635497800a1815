"""Every letter real cases issue through the service prints the law in Indonesian only: no
research note, English research word or confidence tag, on SQLite and PostgreSQL (issue 10,
"What is printed as law"). The cases run to a decision on each track; the letters' HTML is
recorded by a fake renderer."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine

from sanctions.app import App
from sanctions.settings import Settings
from tests.factories import PPPK_NIP, Step, open_case, recommended, s, seed, walk_together
from tests.fakes import FakePdfRenderer
from tests.letters.test_printed_law import FORBIDDEN
from tests.officer import PANEL_MEMBERS, TEAM_MEMBERS

TEAM = TEAM_MEMBERS


@dataclass
class RecordingRenderer(FakePdfRenderer):
    pages: list[tuple[str, str]] = field(default_factory=list)  # (title, visible text)

    def render_pdf(self, html_text: str, **kwargs: Any) -> Any:  # type: ignore[override]
        text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", html_text)))
        self.pages.append((kwargs["title"], text))
        return super().render_pdf(html_text, **kwargs)


@pytest.fixture
def recorded(settings: Settings, db: Engine) -> tuple[App, RecordingRenderer]:
    renderer = RecordingRenderer()
    app = App(settings, db=db, pdf_renderer=renderer)
    seed(app)
    return app, renderer


def _decided(sanction: str, level: str) -> list[Step]:
    return [
        *recommended(level),
        s("tindak_lanjuti", "bkpsdm", "2024-10-28"),
        s("bentuk_tim", "bupati", "2024-10-29", members=TEAM),
        s("panggil", "tim", "2024-10-30", examination_date="2024-11-11"),
        s("periksa", "tim", "2024-11-11"),
        s("susun_lhp", "tim", "2024-11-15", sanction=sanction),
        s("putuskan", "bupati", "2024-11-20", sanction=sanction),
    ]


def test_every_letter_of_cases_decided_on_each_track_prints_indonesian_law_only(
    recorded: tuple[App, RecordingRenderer],
) -> None:
    app, renderer = recorded
    # four cases reported on one day, dealt with side by side (each office's letters in
    # date order)
    decided = [
        (open_case(app), _decided("B-1", "berat")),  # DIS-02: the officer confirms the norm
        (open_case(app, violations=("DIS-05",)), _decided("PTDH", "pemberhentian")),
        (open_case(app, violations=("DIS-05",), nip=PPPK_NIP),
         _decided("PPPK-PHK", "pemberhentian")),
    ]  # fmt: skip
    ethics = open_case(app, violations=("ETK-02",), act_date=date(2024, 9, 2))
    ethics_steps = [
        *recommended("moral"),
        s("bentuk_majelis", "bkpsdm", "2024-10-28", members=PANEL_MEMBERS),
        s("sidangkan", "majelis", "2024-11-05"),
        s("jatuhkan_sanksi_moral", "bupati", "2024-11-12", sanction="MOR-T"),
    ]
    walk_together(app, [*decided, (ethics, ethics_steps)])
    titles = [t for t, _ in renderer.pages]
    assert sum("Hukuman Disiplin" in t or "Pemberhentian" in t or "Pemutusan" in t
               for t in titles) >= 3, titles  # fmt: skip
    assert any("Sanksi Moral" in t for t in titles), titles
    for title, text in renderer.pages:
        assert not FORBIDDEN.findall(text), (title, FORBIDDEN.findall(text))
    decrees = [text for title, text in renderer.pages if "Pemberhentian Tidak" in text]
    assert decrees and all(
        "Pasal 52 ayat (3) huruf j juncto ayat (4) Undang-Undang Nomor 20 Tahun 2023" in d
        for d in decrees
    )
