"""Every English message the bot sends. Placeholders are str.format names; text is HTML."""

TEXTS: dict[str, str] = {
    # --- greetings and help ---
    "start.welcome": (
        "👋 <b>Welcome to TrustPay</b>, {name}!\n\n"
        "TrustPay holds the money when you trade with someone you don't know:\n"
        "1. One of you opens an escrow and shares its 6-character code.\n"
        "2. The payer pays by UPI. We hold the money safely.\n"
        "3. When both of you confirm, the payee is paid. If the deal falls through, "
        "the payer gets a refund.\n\n"
        "Tap <b>Open an escrow</b> to start, or send the code someone gave you."
    ),
    "help.text": (
        "<b>How TrustPay works</b>\n"
        "/create — open an escrow (guided), or <code>/create 1500 Phone case</code> if you pay\n"
        "/join CODE — join an escrow someone shared (add your UPI id if you receive)\n"
        "/status CODE — see an escrow and what happens next\n"
        "/mine — your escrows\n"
        "/confirm CODE — say the deal is done (money goes to the payee when both confirm)\n"
        "/cancel CODE — cancel (before payment), or ask for a refund\n"
        "/dispute CODE reason — ask support to decide\n"
        "/upi CODE new-upi-id — give a new UPI id to receive the money (if the bank refused it)\n"
        "/receipt CODE — a PDF receipt\n"
        "/language — English / हिन्दी\n\n"
        "Amounts from {min} to {max}. Codes expire after 7 days."
    ),
    "btn.open_escrow": "➕ Open an escrow",
    "btn.my_escrows": "📋 My escrows",
    "btn.help": "❓ Help",
    "language.pick": "Choose your language:",
    "language.set": "Done — I'll speak English.",
    "unknown_command": "I don't know that command. Send /help to see what I can do.",
    "not_understood": (
        "I'm not sure what you mean. Send a 6-character code to join an escrow, "
        "or /help to see what I can do."
    ),
    "slow_down": "You're going a bit fast — please wait a few seconds and try again.",
    "stale_button": "That button is out of date. Here is the escrow as it is now.",
    "done_already": "Already done — nothing changed.",
    # --- errors (keys come from core) ---
    "error.unexpected": (
        "Sorry, something went wrong on our side. Your money is safe. Please try again in a "
        "minute; if it keeps happening, contact support."
    ),
    "error.escrow_not_found": "I can't find an escrow {code} that you're part of. Check the code.",
    "error.escrow_gone": "I can't find that escrow, or it isn't yours to see.",
    "alert.not_found": "There is no alert #{alert_id}. /alerts lists the open ones.",
    "user.not_found": "Nobody with Telegram id {telegram_id} has used TrustPay yet.",
    "error.forbidden": "You can't do that on this escrow.",
    "error.conflict": "That can't be done right now.",
    "error.not_allowed_now": "That can't be done while the escrow is {state_name}.",
    "error.try_again": "The escrow changed at the same moment. Please try again.",
    "error.rate_limited": "Too many tries. Please wait {minutes} min and try again.",
    "error.gateway": "The payment service is having trouble. We'll keep trying; please wait.",
    "error.gateway_unavailable": (
        "The payment service is not answering right now. Nothing was lost — we'll retry "
        "automatically."
    ),
    "error.gateway_rejected": "The payment service refused this: {detail}",
    "amount.invalid": "That's not an amount I understand. Send a number like 1500 or ₹1,500.50.",
    "amount.not_positive": "The amount must be more than zero.",
    "amount.too_precise": "Use at most 2 digits after the decimal point (paise).",
    "amount.too_small": "The smallest escrow is {limit}.",
    "amount.too_large": "The largest escrow is {limit} (the UPI payout limit).",
    "code.invalid": (
        'A code has 6 letters and digits, like <code>K7M2QX</code>. "{code}" isn\'t one.'
    ),
    "vpa.invalid": (
        "That doesn't look like a UPI id. A UPI id is letters, digits, dots or hyphens, then @ "
        "and the bank's name, like <code>name@okaxis</code>."
    ),
    "vpa.required": "To receive money, I need your UPI id (like <code>name@okaxis</code>).",
    "vpa.required_to_join": (
        "You'll receive the money in this escrow, so I need your UPI id: "
        "<code>/join {code} name@okaxis</code>"
    ),
    "description.required": 'Please say what the deal is for (for example: "iPhone 13, 128 GB").',
    "description.too_long": "Please keep it under {limit} characters (that was {length}).",
    "reason.required": "Please add a short reason.",
    "reason.too_long": "Please keep the reason under {limit} characters.",
    "evidence.required": "Send some text or a photo.",
    "evidence.too_long": "Please keep each message under {limit} characters.",
    "join.own_escrow": "That's your own escrow — send the code to the other person instead.",
    "join.already_joined": "You're already in escrow {code}. Send /status {code} to see it.",
    "join.not_open": "Escrow {code} already has both people, or is closed.",
    "join.expired": "Code {code} has expired. Ask for a new escrow.",
    "user.banned": "Your account can't open or join escrows. Contact support if this is a mistake.",
    "escrow.too_many_open": "You already have {limit} open escrows. Finish or cancel one first.",
    "confirm.not_now": "You can confirm only after the money is held (now: {state_name}).",
    "cancel.not_now": "This escrow can't be cancelled now ({state_name}). Use /dispute if needed.",
    "dispute.not_now": "A dispute is possible only while the money is held (now: {state_name}).",
    "resolve.not_disputed": (
        "Escrow is {state_name}: only a disputed escrow, or one whose payout was refused, "
        "can be resolved."
    ),
    "resolve.payout_refused": (
        "The payee's UPI id refused the payout, so a release would go to it again. Use "
        "<code>refund</code> or <code>split AMOUNT</code>, or wait for the payee's new UPI id."
    ),
    "resolve.split_under_way": (
        "This escrow is already being split (the payer's part may be refunded already), so it "
        "can't be decided again. The payee's share waits for their new UPI id."
    ),
    "resolve.bad_split": "For a split give the payee's share, more than 0 and less than {amount}.",
    "admin.only": "That's for TrustPay support only.",
    "collect.payer_only": "Only the payer can ask for a collect request.",
    "collect.not_now": "Payment isn't expected on this escrow now ({state_name}).",
    "collect.already_sent": "A collect request is already on its way to that UPI id.",
    "collect.unknown": (
        "A request may have reached your UPI app. If it did, you can approve it there; if not, "
        "pay with the link or QR above. We won't send another, so you are never asked twice."
    ),
    "collect.refused": (
        "We couldn't send a request to your UPI app, so please pay with the link or QR above."
    ),
    "upi.payee_only": "Only the person receiving the money (the payee) can change its UPI id.",
    "upi.not_now": (
        "The UPI id can't be changed now ({state_name}). It can be changed before payment while "
        "it isn't confirmed yet, or after the bank refused a payout to it."
    ),
    "upi.same": (
        "That's the UPI id this escrow already has. Please send a different one, "
        "like <code>name@okaxis</code>."
    ),
    "retry.needs_new_upi": (
        "The payee's UPI id refused the payout, so a retry would fail again. The payee must give "
        "a new UPI id (<code>/upi CODE new-id</code>), or use <code>/resolve CODE refund</code> "
        "or <code>split AMOUNT</code>."
    ),
    "utr.invalid": "A UTR is 6 to 35 letters and digits.",
    "payout_done.nothing_due": "No manual payout is waiting on this escrow.",
    "repay.nothing_owed": "No reversed payout is waiting to be paid again.",
    "repay.in_progress": "A re-payment is already on its way.",
    "ban.admin": "Support accounts can't be banned.",
    "language.unknown": "I speak English and Hindi.",
    # --- opening an escrow ---
    "create.ask_role": "<b>New escrow.</b> Are you paying or receiving the money?",
    "btn.role_payer": "💸 I'm paying",
    "btn.role_payee": "💰 I'm receiving",
    "btn.cancel_flow": "✖️ Never mind",
    "create.ask_amount": "How much? Send the amount in rupees, e.g. <code>1500</code> ({min} to {max}).",
    "create.ask_description": 'What is it for? A short description, e.g. "iPhone 13, 128 GB, blue".',
    "create.ask_upi": "Which UPI id should receive the money? e.g. <code>name@okaxis</code>",
    "btn.use_saved_upi": "Use {upi}",
    "create.summary": (
        "<b>Please check:</b>\n"
        "{role_line}\n"
        "Amount: <b>{amount}</b>\n"
        "For: {description}\n"
        "{upi_line}"
        "Our fee: {fee} (taken from the payout; refunds are free)\n\nCreate this escrow?"
    ),
    "create.summary_upi": "Paid to: {upi}\n",
    "create.summary_payer": "You <b>pay</b> (you are the payer)",
    "create.summary_payee": "You <b>receive the money</b> (you are the payee)",
    "btn.create": "✅ Create escrow",
    "btn.start_over": "↩️ Start over",
    "create.cancelled": "OK, nothing was created.",
    "create.usage": (
        "Send /create to be guided, or <code>/create 1500 Phone case</code> if you are the payer."
    ),
    "create.done": (
        "✅ <b>Escrow {name}</b> is open.\n\n"
        "Code: <code>{code}</code>\n"
        "Share this link with the other person — it joins them in one tap:\n{link}\n\n"
        "The code works for 7 days."
    ),
    "btn.share": "📤 Share with the other person",
    "share.text": "Join my TrustPay escrow {name} for {amount}: code {code}",
    # --- joining ---
    "join.usage": "Send <code>/join CODE</code> with the 6-character code you were given.",
    "join.ask_upi": (
        "You're joining <b>{name}</b> ({amount}) as the one who <b>receives</b> the money.\n"
        "Which UPI id should receive it? e.g. <code>name@okaxis</code>"
    ),
    "join.done": "✅ You joined <b>{name}</b>.",
    # --- the deal card ---
    "card": (
        "🤝 <b>{name}</b> · <code>{code}</code>\n"
        "{description}\n\n"
        "Amount: <b>{amount}</b>\n"
        "Payer: {payer}\n"
        "Payee: {payee}\n"
        "Status: <b>{state_name}</b>\n\n"
        "👉 {next}"
    ),
    "card.you": "{name} (you)",
    "card.nobody_yet": "— waiting to join",
    "role.payer": "payer",
    "role.payee": "payee",
    "role.system": "TrustPay",
    "state.AWAITING_PARTNER": "waiting for the other person",
    "state.AWAITING_PAYMENT": "waiting for payment",
    "state.HELD": "money held",
    "state.RELEASING": "paying the payee",
    "state.RELEASED": "completed — payee paid",
    "state.REFUNDING": "refunding the payer",
    "state.REFUNDED": "refunded",
    "state.CANCELLED": "cancelled",
    "state.EXPIRED": "expired",
    "state.DISPUTED": "in dispute — support is deciding",
    "state.SPLIT": "settled by support (split)",
    "state.PAYOUT_FAILED": "payout refused — waiting for a new UPI id",
    "next.share_code": "Share the code <code>{code}</code> with the other person.",
    "next.payer_pays": "Pay {amount} by UPI with the link or QR I sent you.",
    "next.wait_for_payment": "Wait for {payer} to pay. We'll tell you the moment it's held.",
    "next.payee_delivers": "The money is held. Deliver, then tap <b>Delivered</b>.",
    "next.payer_checks": (
        "The money is held. When you have what you paid for, tap <b>Release</b>. "
        "Otherwise it's released automatically on {release_date} unless you dispute."
    ),
    "next.wait_for_other_confirm": "You confirmed. Waiting for the other person to confirm too.",
    "next.releasing": "Paying {payout} to the payee's UPI id now.",
    "next.released": "Done. {payout} was paid to the payee.",
    "next.refunding": "Refunding {amount} to the payer.",
    "next.refunded": "Done. {amount} was refunded to the payer.",
    "next.cancelled": "Nothing more to do.",
    "next.expired": "Nothing more to do. Open a new escrow if you still want to trade.",
    "next.disputed": "Support is looking at it. Send any text or photos here as evidence.",
    "next.split": "Support split the money: the payee got their share, the payer the rest.",
    "next.payout_failed": (
        "The payee's bank refused the payout. Your money is safe with TrustPay; we're waiting "
        "for the payee's new UPI id."
    ),
    "next.payout_failed.payee": (
        "Your bank refused the payout. The money is safe with TrustPay until you give a UPI id "
        "that works: tap <b>Give a new UPI id</b>, or send <code>/upi {code} name@okaxis</code>."
    ),
    "btn.release": "✅ Release money",
    "btn.delivered": "✅ Delivered",
    "btn.cancel": "✖️ Cancel escrow",
    "btn.cancel_refund": "↩️ Cancel & refund payer",
    "btn.ask_cancel": "↩️ Ask to cancel",
    "btn.dispute": "⚠️ Problem? Dispute",
    "btn.collect": "📲 Send a request to my UPI app",
    "btn.receipt": "🧾 Receipt",
    "btn.share_code": "📤 Share",
    "btn.status_page": "🌐 Status page",
    "btn.refresh": "🔄 Refresh",
    "btn.new_upi": "✏️ Give a new UPI id",
    "ask.release": "Release {payout} to {payee}? This can't be undone.",
    "ask.cancel_refund": "Cancel and refund {amount} to {payer}?",
    "ask.dispute": (
        "Tell support what went wrong: send <code>/dispute {code} your reason</code>, "
        "e.g. <code>/dispute {code} item never arrived</code>."
    ),
    "btn.yes_release": "Yes, release",
    "btn.yes_cancel": "Yes, cancel and refund",
    "btn.no": "No, go back",
    "action.confirmed": "✅ Noted. {next}",
    "action.cancelled": "Escrow cancelled.",
    "action.cancel_requested": "I've asked {payee} to agree to cancel. If they don't, use /dispute.",
    "action.refund_started": "Refund started. {payer} will get {amount} back.",
    "action.disputed": (
        "⚠️ Dispute opened. The money stays held while support decides.\n"
        "Send any messages or photos here now — they go to support as evidence."
    ),
    "action.collect_sent": "📲 A payment request for {amount} was sent to {upi}. Approve it in your UPI app.",
    "collect.ask_upi": "Send your UPI id and I'll send a payment request to your UPI app.",
    "evidence.saved": "📎 Added to the dispute on {code}.",
    # --- a new UPI id for the payee ---
    "upi.usage": (
        "Send <code>/upi CODE name@okaxis</code> to give a new UPI id to receive the money."
    ),
    "upi.ask": (
        "Which UPI id should receive the money for <b>{name}</b> ({code})? "
        "Send it here, like <code>name@okaxis</code>. (To stop, send /cancel.)"
    ),
    "upi.kept": "OK, the UPI id stays as it was.",
    "upi.send_again": "Please send the UPI id again.",
    "upi.checking_payout": (
        "🔎 Thanks. Checking your new UPI id {upi} with the bank… Once it's confirmed we send "
        "the money to it; until then it stays safe with TrustPay. I'll tell you here."
    ),
    "upi.checking_payment": (
        "🔎 Thanks. Checking your new UPI id {upi} with the bank… Once it's confirmed, "
        "{payer} gets the payment link. I'll tell you here."
    ),
    "upi.sending": "✅ Your new UPI id {upi} is accepted. We're sending the money to it now.",
    "upi.payment_asked": "✅ Your new UPI id {upi} is accepted. {payer} is now asked to pay.",
    "upi.checked_invalid": (
        "❌ The bank says {upi} doesn't exist. Please check it and send another UPI id here."
    ),
    "mine.empty": "You have no escrows yet. Send /create to open one.",
    "mine.header": "<b>Your escrows</b>",
    "mine.line": "{icon} <code>{code}</code> {name} — {amount} — {state_name}",
    "status.usage": "Send <code>/status CODE</code>, or /mine to list your escrows.",
    "confirm.usage": "Send <code>/confirm CODE</code>.",
    "cancel.usage": "Send <code>/cancel CODE</code> (you can add a reason).",
    "dispute.usage": "Send <code>/dispute CODE what went wrong</code>.",
    "receipt.usage": "Send <code>/receipt CODE</code>.",
    "receipt.caption": "🧾 Receipt for {name} ({code})",
    # --- notifications ---
    "notify.partner_joined": "👥 {other} joined <b>{name}</b>. Here's the deal:",
    "notify.payment_requested": (
        "💸 <b>Pay {amount}</b> for {name} ({code}).\n\n"
        "Tap this link on your phone to pay in your UPI app:\n{link}\n\n"
        "or scan the QR code. Pay exactly {amount}; we hold it until you both confirm.\n"
        "Pay by {due}."
    ),
    "notify.payment_requested_collect": "A payment request was also sent to your UPI app.",
    "notify.payment_requested_named": (
        "✅ The money goes to UPI id {upi}, registered to <b>{holder}</b>. Pay only if this is "
        "the person you are dealing with."
    ),
    "notify.payment_requested_unverified": (
        "⚠️ We couldn't check the name on the payee's UPI id {upi}. Pay only if you are sure "
        "it belongs to the person you are dealing with."
    ),
    "notify.payment_held": "🔒 <b>{amount} received and held</b> for {name} ({code}).",
    "notify.partner_confirmed": "✅ The {by_name} confirmed the deal on {name}.",
    "notify.cancel_requested": (
        "↩️ The payer asked to cancel {name} ({code}). To agree and refund them, tap "
        "<b>Cancel & refund payer</b>. If you disagree, deliver and tap <b>Delivered</b>, "
        "or use /dispute."
    ),
    "notify.cancelled": "✖️ {name} ({code}) was cancelled.",
    "notify.expired": "⌛ {name} ({code}) expired.",
    "notify.disputed": (
        "⚠️ {name} ({code}) is in dispute. Support will decide; the money stays held. "
        "Send any messages or photos here as evidence."
    ),
    "notify.releasing": "💸 Paying {payout} to the payee for {name} ({code})…",
    "notify.refunding": "↩️ Refunding {amount} for {name} ({code})…",
    "notify.released": "🎉 <b>Done!</b> {payout} was paid to the payee for {name} ({code}). UTR: {utr}",
    "notify.refunded": "↩️ {amount} was refunded to the payer for {name} ({code}). UTR: {utr}",
    # said to the person the money goes to, instead of the line above without ".payee"/".payer"
    "notify.releasing.payee": "💸 Paying {payout} to your UPI id for {name} ({code})…",
    "notify.released.payee": (
        "🎉 <b>Done!</b> {payout} was paid to your UPI id for {name} ({code}). UTR: {utr}"
    ),
    "notify.refunded.payer": "↩️ {amount} was refunded to you for {name} ({code}). UTR: {utr}",
    "notify.split": "⚖️ Support settled {name} ({code}): {payout} to the payee, the rest refunded to the payer.",
    "notify.payment_failed": "❌ Your payment for {name} didn't go through: {reason}. You can try again.",
    "notify.payment_returned": (
        "↩️ We received {returned} for {name} ({code}), but {problem_text}. "
        "It is being refunded to you automatically."
    ),
    "problem.wrong_amount": "that is not the escrow's amount ({amount})",
    "problem.escrow_not_awaiting_payment": "the escrow was no longer waiting for payment",
    "problem.unknown_reference": "we couldn't match it to an escrow",
    "notify.payment_return_done": "✅ {returned} was refunded to you. UTR: {utr}",
    "notify.payout_reversed": (
        "⚠️ The bank sent back the payout for {name} ({code}). The money is safe with us; "
        "support will contact you to pay it again."
    ),
    "notify.repaid": "✅ {paid} was paid again to the payee for {name} ({code}). UTR: {utr}",
    "notify.payment_delayed": (
        "⏳ We're having trouble preparing your payment link for {name}. We keep trying — "
        "you'll get it here."
    ),
    "notify.support_alert": "🚨 <b>Alert</b> ({alert}) {code}: {detail}",
    # the payee's UPI id: checked with the bank, refused by it, replaced
    "upi.holder": "Registered to: <b>{holder}</b>",
    "upi.holder_unknown": "The bank gave no name for this UPI id.",
    "notify.payee_upi_verified.payer": (
        "🔎 <b>Before you pay</b> for {name} ({code}): the UPI id {upi} that will receive the "
        "money is registered to <b>{holder}</b>. Pay only if this is the person you are "
        "dealing with."
    ),
    "notify.payee_upi_verified_unnamed.payer": (
        "🔎 <b>Before you pay</b> for {name} ({code}): the UPI id {upi} that will receive the "
        "money exists, but the bank gave no name for it. Pay only if you are sure it belongs to "
        "the person you are dealing with."
    ),
    "notify.payee_upi_verified.payee": (
        "✅ Your UPI id {upi} for {name} ({code}) is confirmed by the bank.\n{holder_line}\n"
        "{other} is now asked to pay."
    ),
    "notify.payee_upi_verified_again.payee": (
        "✅ Your new UPI id {upi} for {name} ({code}) is confirmed by the bank.\n{holder_line}\n"
        "We're sending the money to it now."
    ),
    "notify.payee_upi_verified_again.payer": (
        "The payee gave a new UPI id for {name} ({code}): {upi}.\n{holder_line}\n"
        "The money you paid is being sent there now."
    ),
    "notify.payee_upi_unverified.payer": (
        "⚠️ We couldn't check the payee's UPI id {upi} for {name} ({code}) with the bank, so we "
        "can't show you whose it is. Pay only if you are sure it belongs to the person you are "
        "dealing with."
    ),
    "notify.payee_upi_unverified.payee": (
        "⚠️ We couldn't check your UPI id {upi} for {name} ({code}) with the bank, so we go "
        "ahead without. If it has a typo, send <code>/upi {code} name@okaxis</code> now."
    ),
    "notify.payee_upi_unverified_again": (
        "The bank couldn't check the new UPI id {upi} for {name} ({code}), so we're trying the "
        "payout to it anyway. The money stays safe with TrustPay until it arrives."
    ),
    "notify.payee_upi_invalid.payee": (
        "❌ The UPI id {upi} you gave for {name} ({code}) doesn't exist, so nobody can pay you "
        "yet. Tap <b>Give a new UPI id</b> below, or send <code>/upi {code} name@okaxis</code>."
    ),
    "notify.payee_upi_invalid.payer": (
        "⏳ The payee's UPI id for {name} ({code}) turned out to be wrong. Please wait and "
        "<b>don't pay yet</b>: we've asked them for a new one and will send you the payment "
        "link once it checks out."
    ),
    "notify.payee_upi_invalid_again.payee": (
        "❌ The new UPI id {upi} for {name} ({code}) doesn't exist either. Your money is still "
        "safe with TrustPay. Tap <b>Give a new UPI id</b> below, or send "
        "<code>/upi {code} name@okaxis</code>."
    ),
    "notify.payee_upi_invalid_again.payer": (
        "The payee's new UPI id for {name} ({code}) didn't check out either. Your money is still "
        "safe with TrustPay; we're waiting for them to give another one."
    ),
    "notify.payout_refused.payee": (
        "⚠️ The bank refused the payout of {paid} to your UPI id {upi} for {name} ({code}): it "
        "may be mistyped or closed. The money is safe with TrustPay. Tap <b>Give a new UPI "
        "id</b> below, or send <code>/upi {code} name@okaxis</code>, and we'll pay you there."
    ),
    "notify.payout_refused.payer": (
        "⏳ The payee's bank refused the payout for {name} ({code}). Your money is safe with "
        "TrustPay; we're waiting for the payee to give a new UPI id, then we pay them there."
    ),
    # --- support ---
    "admin.menu": (
        "<b>Support</b>\n"
        "/find CODE | @user | telegram-id\n/alerts\n/stats\n"
        "/resolve CODE release|refund|split AMOUNT\n/retry CODE\n/payout_done CODE UTR\n"
        "/ban TELEGRAM_ID [reason]  ·  /unban TELEGRAM_ID\n/login — admin web link"
    ),
    "btn.alerts": "🚨 Alerts",
    "btn.stats": "📊 Stats",
    "admin.find_usage": "Send <code>/find CODE</code>, <code>/find @username</code> or <code>/find 12345</code>.",
    "admin.found_none": "Nothing found for {query}.",
    "admin.log_line": "{time} {event} {status} {amount}",
    "admin.evidence_line": "📎 {who}: {text}",
    "admin.resolve_usage": "Send <code>/resolve CODE release</code>, <code>refund</code> or <code>split AMOUNT</code> (payee's share).",
    "admin.resolved": "Resolved {code}: {outcome}.",
    "admin.retry_usage": "Send <code>/retry CODE</code>.",
    "admin.retried": "Retrying the money step on {code} now.",
    "retry.nothing": "Nothing to retry on this escrow: it is {state_name}.",
    "retry.in_flight": "A call to the payment service for this escrow is running right now. Look again in a minute with /find CODE.",
    "admin.payout_done_usage": "Send <code>/payout_done CODE UTR</code> after paying by hand.",
    "admin.payout_recorded": "Recorded UTR {utr} for {code}.",
    "admin.alerts_none": "No open alerts. 🎉",
    "admin.alert_line": "🚨 #{id} {kind} {code}: {detail}",
    "btn.alert_done": "✓ Done #{id}",
    "admin.alert_closed": "Alert #{id} closed.",
    "admin.stats": (
        "<b>Escrows</b>\n{by_state}\n\nHeld now: {held}\nPaid out: {released}\n"
        "Open alerts: {alerts}"
    ),
    "admin.ban_usage": "Send <code>/ban TELEGRAM_ID reason</code>.",
    "admin.banned": "User {telegram_id} is banned.",
    "admin.unbanned": "User {telegram_id} can use TrustPay again.",
    "admin.login_link": "Your admin link (one use, 10 minutes):\n{url}",
}
