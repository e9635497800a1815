"""PAdES signing with pyHanko from a PKCS#12 file, and validating signed letters.

The signature field is placed on the letter's signature block (the `#ttd-slot` rectangle
WeasyPrint reports), with an empty appearance: the visible part (QR, caption, name) is drawn
by the template, as docs/sources.md §L3.1 recommends. The signed file is never modified afterwards.
pyHanko is imported only here, only when signing or validating.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from sanctions.errors import RenderError

FIELD_NAME = "TandaTangan"


def sign_pdf(
    data: bytes,
    *,
    p12: Path,
    passphrase: bytes | None,
    box: tuple[float, float, float, float] | None,
    page: int | None,
    reason: str,
) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import TextStampStyle

    try:
        signer = signers.SimpleSigner.load_pkcs12(  # type: ignore[no-untyped-call]
            str(p12), passphrase=passphrase
        )
    except (OSError, ValueError) as exc:
        raise RenderError(f"cannot load the signing key {p12}: {exc}") from exc
    if signer is None:
        raise RenderError(f"cannot load the signing key {p12}: wrong passphrase or format")
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    fields.append_signature_field(
        writer,
        fields.SigFieldSpec(
            sig_field_name=FIELD_NAME,
            box=tuple(int(v) for v in box) if box else None,  # type: ignore[arg-type]
            on_page=page or 0,
        ),
    )
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, reason=reason, subfilter=fields.SigSeedSubFilter.PADES
    )
    out = io.BytesIO()
    signers.PdfSigner(
        meta, signer=signer, stamp_style=TextStampStyle(stamp_text="", border_width=0)
    ).sign_pdf(writer, output=out)
    return out.getvalue()


@dataclass(frozen=True)
class SignatureCheck:
    intact: bool
    covers_whole_file: bool
    signer: str

    @property
    def ok(self) -> bool:
        return self.intact and self.covers_whole_file


def check_signatures(data: bytes) -> list[SignatureCheck]:
    """Every embedded signature: is it intact, does it cover the whole file, who signed it.
    (Trust in the signer's certificate is a matter for the verification portal.)"""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(data))
    # Integrity only: no trust roots, no network. Trust is the verification portal's job.
    context = ValidationContext(trust_roots=[], allow_fetching=False)
    checks = []
    for embedded in reader.embedded_signatures:
        status = validate_pdf_signature(embedded, signer_validation_context=context)
        checks.append(
            SignatureCheck(
                intact=bool(status.intact and status.valid),
                covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
                signer=str(status.signing_cert.subject.human_friendly),
            )
        )
    return checks
