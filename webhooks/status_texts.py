"""Words on the public status page, in English and Hindi (same keys in both; a test checks).

The page speaks to anyone holding the link, so it never says "you": it names the payer and
the payee by role.
"""

from __future__ import annotations

EN: dict[str, str] = {
    "title": "Escrow {name}",
    "code": "Code",
    "amount": "Amount",
    "fee": "TrustPay fee",
    "payee_gets": "Payee receives",
    "for": "For",
    "payer": "Payer",
    "payee": "Payee",
    "payee_upi": "Paid to UPI id",
    "nobody_yet": "not joined yet",
    "state": "Status",
    "next": "What happens next",
    "timeline": "History",
    "audit": "Audit trail",
    "anchored": (
        "The latest record of this escrow (entry #{entry}) is anchored on the blockchain "
        "in block {block}, transaction {tx}. Nobody, TrustPay included, can change it unnoticed."
    ),
    "not_anchored": (
        "The latest record of this escrow (entry #{entry}) will be anchored on the blockchain "
        "within a few minutes."
    ),
    "pay_title": "Pay by UPI",
    "pay_hint": "Scan with any UPI app, or on a phone tap the button.",
    "pay_button": "Open in a UPI app",
    "receipt": "Download receipt (PDF)",
    "refresh": "This page refreshes itself every 20 seconds.",
    "language": "भाषा: हिन्दी",
    "language_link": "?lang=hi",
    "not_found_title": "No such escrow",
    "not_found": (
        "This link does not lead to an escrow. Check that you copied the whole link from the "
        "TrustPay bot, or ask the bot again with /status CODE."
    ),
    "footer": "TrustPay holds the money until both sides confirm. Questions? Ask the bot: /help",
    "state.AWAITING_PARTNER": "Waiting for the other person to join",
    "state.AWAITING_PAYMENT": "Waiting for payment",
    "state.HELD": "Money held by TrustPay",
    "state.RELEASING": "Paying the payee",
    "state.RELEASED": "Completed — payee paid",
    "state.REFUNDING": "Refunding the payer",
    "state.REFUNDED": "Refunded to the payer",
    "state.CANCELLED": "Cancelled",
    "state.EXPIRED": "Expired",
    "state.DISPUTED": "In dispute — support is deciding",
    "state.SPLIT": "Settled by support (split)",
    "state.PAYOUT_FAILED": "Payout refused — waiting for the payee's new UPI id",
    "next.AWAITING_PARTNER": "The other person joins with the code {code} in the TrustPay bot.",
    "next.AWAITING_PAYMENT": "The payer pays {amount} by UPI (QR below). Pay by {due}.",
    "next.HELD": (
        "TrustPay holds the money. The payee delivers; when both confirm, the payee is paid."
    ),
    "next.RELEASING": "{payout} is on its way to the payee's UPI id.",
    "next.RELEASED": "Done: {payout} was paid to the payee.",
    "next.REFUNDING": "{amount} is on its way back to the payer.",
    "next.REFUNDED": "Done: {amount} was refunded to the payer.",
    "next.CANCELLED": "Nothing more will happen. No money moved.",
    "next.EXPIRED": "Nothing more will happen. Open a new escrow in the bot to trade.",
    "next.DISPUTED": "TrustPay support is looking at the evidence and will decide.",
    "next.SPLIT": "Support divided the money between the payee and the payer.",
    "next.PAYOUT_FAILED": (
        "The payee's bank refused the payout to their UPI id. TrustPay still holds the money "
        "and is waiting for the payee's new UPI id; then {payout} is paid to it."
    ),
}

HI: dict[str, str] = {
    "title": "एस्क्रो {name}",
    "code": "कोड",
    "amount": "राशि",
    "fee": "TrustPay शुल्क",
    "payee_gets": "पाने वाले को मिलेगा",
    "for": "किसके लिए",
    "payer": "भुगतान करने वाला",
    "payee": "पाने वाला",
    "payee_upi": "इस UPI id पर भुगतान",
    "nobody_yet": "अभी शामिल नहीं हुए",
    "state": "स्थिति",
    "next": "आगे क्या होगा",
    "timeline": "इतिहास",
    "audit": "ऑडिट रिकॉर्ड",
    "anchored": (
        "इस एस्क्रो का नवीनतम रिकॉर्ड (एंट्री #{entry}) ब्लॉकचेन पर ब्लॉक {block}, "
        "ट्रांज़ैक्शन {tx} में दर्ज है। कोई भी, TrustPay भी, इसे चुपचाप नहीं बदल सकता।"
    ),
    "not_anchored": ("इस एस्क्रो का नवीनतम रिकॉर्ड (एंट्री #{entry}) कुछ ही मिनटों में ब्लॉकचेन पर दर्ज होगा।"),
    "pay_title": "UPI से भुगतान करें",
    "pay_hint": "किसी भी UPI ऐप से स्कैन करें, या फ़ोन पर बटन दबाएँ।",
    "pay_button": "UPI ऐप में खोलें",
    "receipt": "रसीद डाउनलोड करें (PDF)",
    "refresh": "यह पेज हर 20 सेकंड में अपने-आप ताज़ा होता है।",
    "language": "Language: English",
    "language_link": "?lang=en",
    "not_found_title": "ऐसा कोई एस्क्रो नहीं",
    "not_found": (
        "यह लिंक किसी एस्क्रो तक नहीं ले जाता। जाँचें कि आपने TrustPay बॉट से पूरा लिंक कॉपी "
        "किया है, या बॉट में /status CODE भेजें।"
    ),
    "footer": "TrustPay पैसे तब तक रखता है जब तक दोनों पक्ष पुष्टि न करें। सवाल? बॉट से पूछें: /help",
    "state.AWAITING_PARTNER": "दूसरे व्यक्ति के जुड़ने का इंतज़ार",
    "state.AWAITING_PAYMENT": "भुगतान का इंतज़ार",
    "state.HELD": "पैसे TrustPay के पास सुरक्षित",
    "state.RELEASING": "पाने वाले को भुगतान हो रहा है",
    "state.RELEASED": "पूरा हुआ — पाने वाले को भुगतान हो गया",
    "state.REFUNDING": "भुगतान करने वाले को रिफ़ंड हो रहा है",
    "state.REFUNDED": "भुगतान करने वाले को रिफ़ंड हो गया",
    "state.CANCELLED": "रद्द",
    "state.EXPIRED": "समय सीमा समाप्त",
    "state.DISPUTED": "विवाद में — सपोर्ट फ़ैसला कर रहा है",
    "state.SPLIT": "सपोर्ट ने बाँट दिया",
    "state.PAYOUT_FAILED": "भुगतान लौटा — पाने वाले की नई UPI id का इंतज़ार",
    "next.AWAITING_PARTNER": "दूसरा व्यक्ति TrustPay बॉट में कोड {code} से जुड़ता है।",
    "next.AWAITING_PAYMENT": "भुगतान करने वाला UPI से {amount} भेजता है (नीचे QR)। {due} तक भुगतान करें।",
    "next.HELD": ("पैसे TrustPay के पास हैं। पाने वाला सामान देता है; दोनों की पुष्टि पर उसे भुगतान होता है।"),
    "next.RELEASING": "{payout} पाने वाले की UPI id पर भेजे जा रहे हैं।",
    "next.RELEASED": "पूरा हुआ: पाने वाले को {payout} मिल गए।",
    "next.REFUNDING": "{amount} भुगतान करने वाले को लौटाए जा रहे हैं।",
    "next.REFUNDED": "पूरा हुआ: भुगतान करने वाले को {amount} लौटा दिए गए।",
    "next.CANCELLED": "आगे कुछ नहीं होगा। कोई पैसा नहीं गया।",
    "next.EXPIRED": "आगे कुछ नहीं होगा। सौदे के लिए बॉट में नया एस्क्रो खोलें।",
    "next.DISPUTED": "TrustPay सपोर्ट सबूत देखकर फ़ैसला करेगा।",
    "next.SPLIT": "सपोर्ट ने पैसे पाने वाले और भुगतान करने वाले के बीच बाँट दिए।",
    "next.PAYOUT_FAILED": (
        "पाने वाले के बैंक ने उनकी UPI id पर भुगतान लौटा दिया। पैसे अब भी TrustPay के पास हैं और "
        "पाने वाले की नई UPI id का इंतज़ार है; फिर उस पर {payout} भेजे जाएँगे।"
    ),
}

CATALOGUES = {"en": EN, "hi": HI}


def pick_language(asked: str | None, accept_language: str | None) -> str:
    """`?lang=` wins; else the first of the browser's languages we speak; else English."""
    if asked in CATALOGUES:
        return asked
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in CATALOGUES:
            return code
    return "en"
