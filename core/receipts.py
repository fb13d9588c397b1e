"""PDF receipts: what was agreed, what moved, with the bank references and the audit hash.

The facts come from the database (`receipt_facts`), the PDF from them (`render`), so the bot's
/receipt and the status page's download say exactly the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from importlib import resources

from fpdf import FPDF
from sqlalchemy import select

from core.db.models import MoneyIntent, Payment, PaymentLog
from core.deps import Deps
from core.escrow.money_states import IntentKind, IntentStatus, PaymentStatus
from core.escrow.views import EscrowView, build_view
from core.money import format_inr

IST = timezone(timedelta(hours=5, minutes=30), "IST")


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
                    select(Payment).where(
                        Payment.escrow_id == escrow_id, Payment.status == PaymentStatus.HELD
                    )
                )
            )
            .scalars()
            .first()
        )
        intents = (
            (
                await uow.session.execute(
                    select(MoneyIntent)
                    .where(
                        MoneyIntent.escrow_id == escrow_id, MoneyIntent.kind != IntentKind.COLLECT
                    )
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
    transfers = [
        (i.kind, i.amount_paise, i.status, i.utr)
        for i in intents
        if i.status != IntentStatus.FAILED
    ]
    return ReceiptFacts(
        view=view,
        payment_rrn=held.rrn if held else None,
        paid_at=escrow.paid_at,
        transfers=transfers,
        audit_hash=log[-1] if log else None,
        audit_entries=len(log),
        generated_at=deps.clock.now(),
    )


LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "TrustPay escrow receipt",
        "escrow": "Escrow",
        "for": "For",
        "status": "Status",
        "amount": "Amount",
        "fee": "Fee",
        "payer": "Payer",
        "payee": "Payee",
        "opened": "Opened",
        "paid": "Paid",
        "rrn": "Payment RRN",
        "closed": "Closed",
        "payout": "Payout",
        "repayout": "Payout again",
        "refund": "Refund",
        "return": "Returned",
        "audit_hash": "Audit hash",
        "audit_entries": "Audit entries",
        "generated": "Generated",
        "state.PAYOUT_FAILED": "Payout refused — waiting for a new UPI id",
        "note": (
            "The audit hash identifies this escrow's last entry in TrustPay's hash-chained "
            "payment log; anyone can check it against the anchored roots."
        ),
    },
    "hi": {
        "title": "TrustPay एस्क्रो रसीद",
        "escrow": "एस्क्रो",
        "for": "किसके लिए",
        "status": "स्थिति",
        "amount": "राशि",
        "fee": "फ़ीस",
        "payer": "भुगतान करने वाला",
        "payee": "पैसे पाने वाला",
        "opened": "खुला",
        "paid": "भुगतान हुआ",
        "rrn": "भुगतान RRN",
        "closed": "बंद हुआ",
        "payout": "पाने वाले को भेजा",
        "repayout": "दोबारा भुगतान",
        "refund": "रिफ़ंड",
        "return": "लौटाया गया",
        "audit_hash": "ऑडिट हैश",
        "audit_entries": "ऑडिट एंट्री",
        "generated": "बनाई गई",
        "state.AWAITING_PARTNER": "दूसरे व्यक्ति का इंतज़ार",
        "state.AWAITING_PAYMENT": "भुगतान का इंतज़ार",
        "state.HELD": "पैसे सुरक्षित जमा",
        "state.RELEASING": "पाने वाले को भुगतान हो रहा है",
        "state.RELEASED": "पूरा हुआ — पाने वाले को भुगतान हो गया",
        "state.REFUNDING": "रिफ़ंड हो रहा है",
        "state.REFUNDED": "रिफ़ंड हो गया",
        "state.CANCELLED": "रद्द",
        "state.EXPIRED": "समय सीमा समाप्त",
        "state.DISPUTED": "विवाद में",
        "state.SPLIT": "सपोर्ट ने बाँट दिया",
        "state.PAYOUT_FAILED": "भुगतान लौटा — नई UPI id का इंतज़ार",
        "note": (
            "ऑडिट हैश TrustPay के हैश-चेन वाले भुगतान लॉग में इस एस्क्रो की आख़िरी एंट्री "
            "है; कोई भी इसे ब्लॉकचेन पर दर्ज रूट से मिला सकता है।"
        ),
    },
}
FONTS = resources.files("core") / "fonts"  # Noto Sans + Noto Sans Devanagari (OFL, bundled)


def render(facts: ReceiptFacts, lang: str = "en") -> bytes:
    """The receipt as PDF bytes (A5, one page), labelled in `lang` ("en" or "hi"). Text in
    Latin and Devanagari (names, descriptions) is drawn with the bundled Noto fonts, shaped
    by HarfBuzz so Hindi conjuncts and vowel signs come out right; emoji are left out."""
    words = LABELS.get(lang, LABELS["en"])
    pdf = FPDF(format=(148, 210))  # A5 in mm
    pdf.set_auto_page_break(auto=True, margin=12)
    with resources.as_file(FONTS / "NotoSans-Regular.ttf") as latin:
        pdf.add_font("NotoSans", fname=str(latin))
    with resources.as_file(FONTS / "NotoSansDevanagari-Regular.ttf") as devanagari:
        pdf.add_font("NotoDevanagari", fname=str(devanagari))
    pdf.set_fallback_fonts(["NotoDevanagari"])
    pdf.set_text_shaping(True)
    pdf.add_page()
    view = facts.view
    pdf.set_font("NotoSans", size=16)
    pdf.cell(0, 10, _printable(words["title"]), new_x="LMARGIN", new_y="NEXT")
    rows = [
        (words["escrow"], f"{view.name} ({view.code})"),
        (words["for"], view.description),
        (words["status"], words.get(f"state.{view.state}", view.state.replace("_", " ").title())),
        (words["amount"], format_inr(view.amount_paise)),
        (words["fee"], format_inr(view.fee_paise)),
        (words["payer"], view.payer_name or "-"),
        (words["payee"], f"{view.payee_name or '-'} {view.payee_upi or ''}".strip()),
        (words["opened"], _time(view.created_at)),
        (words["paid"], _time(facts.paid_at)),
        (words["rrn"], facts.payment_rrn or "-"),
        (words["closed"], _time(view.closed_at)),
    ]
    rows += [
        (
            words.get(kind, kind) + ("" if status == IntentStatus.SUCCEEDED else f" ({status})"),
            f"{format_inr(paise)}  UTR {utr or '-'}",
        )
        for kind, paise, status, utr in facts.transfers
    ]
    rows += [
        (words["audit_hash"], facts.audit_hash or "-"),
        (words["audit_entries"], str(facts.audit_entries)),
        (words["generated"], _time(facts.generated_at)),
    ]
    for label, value in rows:
        _font(pdf, 9)
        pdf.cell(38, 6, _printable(label))
        _font(pdf, 9)
        pdf.multi_cell(0, 6, _printable(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    _font(pdf, 7)
    pdf.multi_cell(0, 4, _printable(words["note"]))
    return bytes(pdf.output())


def _font(pdf: FPDF, size: int) -> None:
    """Noto Sans at `size`, for sure: after a run in the fallback (Devanagari) font, fpdf2
    thinks Noto Sans is still set and would skip setting it again at the right size."""
    pdf.set_font("NotoDevanagari", size=size)
    pdf.set_font("NotoSans", size=size)


def _printable(text: str) -> str:
    """What the two fonts can draw: Latin, Devanagari, the rupee sign and punctuation. Emoji
    and other scripts are left out (they would be empty boxes)."""
    return "".join(ch for ch in text if _drawable(ord(ch))).strip()


def _drawable(point: int) -> bool:
    return (
        point < 0x0250  # Latin, Latin-1, Latin Extended
        or 0x0900 <= point <= 0x097F  # Devanagari
        or 0xA8E0 <= point <= 0xA8FF  # Devanagari Extended
        or 0x200B <= point <= 0x206F  # joiners and general punctuation
        or 0x20A0 <= point <= 0x20CF  # currency signs (₹)
        or 0x2100 <= point <= 0x214F  # letterlike symbols
    ) and point not in (0xFE0F,)


def _time(moment: datetime | None) -> str:
    return moment.astimezone(IST).strftime("%d %b %Y, %I:%M %p IST") if moment else "-"
