"""PDF receipts: what was agreed, what moved, with the bank references and the audit hash.

The facts come from the database (`receipt_facts`), the PDF from them (`render`), so the bot's
/receipt and the status page's download say exactly the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from fpdf import FPDF
from sqlalchemy import select

from core.db.models import MoneyIntent, Payment, PaymentLog
from core.deps import Deps
from core.escrow.views import EscrowView, build_view
from core.money import format_inr

IST = timezone(timedelta(hours=5, minutes=30), "IST")
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))


@dataclass(frozen=True, slots=True)
class ReceiptFacts:
    view: EscrowView
    payment_rrn: str | None
    paid_at: datetime | None
    transfers: list[tuple[str, int, str, str | None]] = field(
        default_factory=list
    )  # kind, paise, status, utr
    audit_hash: str | None = None
    audit_entries: int = 0
    generated_at: datetime | None = None


async def receipt_facts(escrow_id: int, deps: Deps) -> ReceiptFacts | None:
    async with deps.uow() as uow:
        escrow = await uow.escrows.get(escrow_id)
        if escrow is None:
            return None
        view = await build_view(uow, escrow, None)
        held = (
            (
                await uow.session.execute(
                    select(Payment).where(Payment.escrow_id == escrow_id, Payment.status == "held")
                )
            )
            .scalars()
            .first()
        )
        intents = (
            (
                await uow.session.execute(
                    select(MoneyIntent)
                    .where(MoneyIntent.escrow_id == escrow_id, MoneyIntent.kind != "collect")
                    .order_by(MoneyIntent.id)
                )
            )
            .scalars()
            .all()
        )
        log = (
            (
                await uow.session.execute(
                    select(PaymentLog.hash)
                    .where(PaymentLog.escrow_id == escrow_id)
                    .order_by(PaymentLog.id)
                )
            )
            .scalars()
            .all()
        )
    transfers = [(i.kind, i.amount_paise, i.status, i.utr) for i in intents if i.status != "failed"]
    return ReceiptFacts(
        view=view,
        payment_rrn=held.rrn if held else None,
        paid_at=escrow.paid_at,
        transfers=transfers,
        audit_hash=log[-1] if log else None,
        audit_entries=len(log),
        generated_at=deps.clock.now(),
    )


def render(facts: ReceiptFacts) -> bytes:
    """The receipt as PDF bytes (A5, one page)."""
    pdf = FPDF(format=(148, 210))  # A5 in mm
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    font = _font(pdf)
    view = facts.view
    pdf.set_font(font, size=16)
    pdf.cell(0, 10, "TrustPay escrow receipt", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, size=10)
    rows = [
        ("Escrow", f"{view.name} ({view.code})"),
        ("For", view.description),
        ("Status", view.state.replace("_", " ").title()),
        ("Amount", _rupees(view.amount_paise, font)),
        ("Fee", _rupees(view.fee_paise, font)),
        ("Payer", view.payer_name or "-"),
        ("Payee", f"{view.payee_name or '-'} {view.payee_upi or ''}".strip()),
        ("Opened", _time(view.created_at)),
        ("Paid", _time(facts.paid_at)),
        ("Payment RRN", facts.payment_rrn or "-"),
        ("Closed", _time(view.closed_at)),
    ]
    rows += [
        (f"{kind.title()} ({status})", f"{_rupees(paise, font)}  UTR {utr or '-'}")
        for kind, paise, status, utr in facts.transfers
    ]
    rows += [
        ("Audit hash", facts.audit_hash or "-"),
        ("Audit entries", str(facts.audit_entries)),
        ("Generated", _time(facts.generated_at)),
    ]
    for label, value in rows:
        pdf.set_font(font, size=9)
        pdf.cell(32, 6, label)
        pdf.multi_cell(0, 6, _printable(value, font), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(font, size=7)
    pdf.multi_cell(
        0,
        4,
        "The audit hash identifies this escrow's last entry in TrustPay's "
        "hash-chained payment log; anyone can check it against the anchored roots.",
    )
    return bytes(pdf.output())


def _font(pdf: FPDF) -> str:
    """DejaVu Sans when installed (rupee sign, accents); else the built-in Latin-1 Helvetica."""
    for folder in FONT_DIRS:
        regular = folder / "DejaVuSans.ttf"
        if regular.exists():
            pdf.add_font("DejaVu", fname=str(regular))
            return "DejaVu"
    return "Helvetica"


def _rupees(paise: int, font: str) -> str:
    text = format_inr(paise)
    return text if font == "DejaVu" else text.replace("₹", "INR ")


def _printable(text: str, font: str) -> str:
    """Characters the font cannot draw (Devanagari, emoji) become "?" rather than failing."""
    if font == "DejaVu":
        return "".join(ch if ord(ch) < 0x0900 or 0x2000 <= ord(ch) < 0x2400 else "?" for ch in text)
    return text.encode("latin-1", "replace").decode("latin-1")


def _time(moment: datetime | None) -> str:
    return moment.astimezone(IST).strftime("%d %b %Y, %I:%M %p IST") if moment else "-"
