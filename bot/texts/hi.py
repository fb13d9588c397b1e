"""हिन्दी: every message the bot sends, in Hindi. Same keys and placeholders as en.py."""

TEXTS: dict[str, str] = {
    "start.welcome": (
        "👋 <b>TrustPay में आपका स्वागत है</b>, {name}!\n\n"
        "जब आप किसी अनजान व्यक्ति से लेन-देन करते हैं, TrustPay पैसे संभालकर रखता है:\n"
        "1. आप में से कोई एक एस्क्रो खोलता है और उसका 6 अक्षरों का कोड शेयर करता है।\n"
        "2. भुगतान करने वाला UPI से पैसे भेजता है। हम उन्हें सुरक्षित रखते हैं।\n"
        "3. जब आप दोनों पुष्टि करते हैं, पैसे पाने वाले को भेज दिए जाते हैं। सौदा न हो तो "
        "भुगतान करने वाले को पूरा रिफ़ंड मिलता है।\n\n"
        "शुरू करने के लिए <b>एस्क्रो खोलें</b> दबाएँ, या आपको मिला कोड भेजें।"
    ),
    "help.text": (
        "<b>TrustPay कैसे काम करता है</b>\n"
        "/create — एस्क्रो खोलें (क़दम-दर-क़दम), या भुगतान आप करेंगे तो "
        "<code>/create 1500 फ़ोन कवर</code>\n"
        "/join CODE — किसी का शेयर किया एस्क्रो जॉइन करें (पैसे पाने हों तो अपनी UPI id भी दें)\n"
        "/status CODE — एस्क्रो और आगे क्या होगा\n"
        "/mine — आपके एस्क्रो\n"
        "/confirm CODE — सौदा पूरा होने की पुष्टि (दोनों की पुष्टि पर पैसे भेजे जाते हैं)\n"
        "/cancel CODE — रद्द करें (भुगतान से पहले), या रिफ़ंड माँगें\n"
        "/dispute CODE कारण — सपोर्ट से फ़ैसला करवाएँ\n"
        "/upi CODE नई-upi-id — पैसे पाने के लिए नई UPI id दें (अगर बैंक ने पुरानी पर भुगतान लौटा दिया)\n"
        "/receipt CODE — PDF रसीद\n"
        "/language — English / हिन्दी\n\n"
        "राशि {min} से {max} तक। कोड 7 दिन में समाप्त हो जाते हैं।"
    ),
    "btn.open_escrow": "➕ एस्क्रो खोलें",
    "btn.my_escrows": "📋 मेरे एस्क्रो",
    "btn.help": "❓ मदद",
    "language.pick": "अपनी भाषा चुनें:",
    "language.set": "ठीक है — अब मैं हिन्दी में बात करूँगा।",
    "unknown_command": "यह कमांड मैं नहीं जानता। /help भेजकर देखें कि मैं क्या कर सकता हूँ।",
    "not_understood": ("मैं समझ नहीं पाया। किसी एस्क्रो से जुड़ने के लिए 6 अक्षरों का कोड भेजें, या /help भेजें।"),
    "slow_down": "थोड़ा धीरे — कुछ सेकंड रुककर फिर कोशिश करें।",
    "stale_button": "यह बटन पुराना हो गया है। एस्क्रो की मौजूदा स्थिति यह है।",
    "done_already": "यह पहले ही हो चुका है — कुछ नहीं बदला।",
    "error.unexpected": (
        "माफ़ कीजिए, हमारी तरफ़ कुछ गड़बड़ हुई। आपके पैसे सुरक्षित हैं। एक मिनट बाद फिर "
        "कोशिश करें; बार-बार हो तो सपोर्ट से संपर्क करें।"
    ),
    "error.escrow_not_found": "{code} कोड वाला कोई एस्क्रो नहीं मिला जिसमें आप शामिल हों। कोड जाँचें।",
    "error.escrow_gone": "वह एस्क्रो नहीं मिला, या उसे देखने की अनुमति आपको नहीं है।",
    "alert.not_found": "#{alert_id} नाम का कोई अलर्ट नहीं है। खुले अलर्ट /alerts में देखें।",
    "user.not_found": "Telegram id {telegram_id} वाले किसी व्यक्ति ने अभी तक TrustPay इस्तेमाल नहीं किया है।",
    "error.forbidden": "इस एस्क्रो पर आप यह नहीं कर सकते।",
    "error.conflict": "यह अभी नहीं हो सकता।",
    "error.not_allowed_now": 'जब एस्क्रो "{state_name}" है, यह नहीं हो सकता।',
    "error.try_again": "उसी पल एस्क्रो बदल गया। कृपया फिर कोशिश करें।",
    "error.rate_limited": "बहुत ज़्यादा कोशिशें। {minutes} मिनट बाद फिर कोशिश करें।",
    "error.gateway": "भुगतान सेवा में दिक़्क़त है। हम कोशिश करते रहेंगे; कृपया इंतज़ार करें।",
    "error.gateway_unavailable": (
        "भुगतान सेवा अभी जवाब नहीं दे रही। कुछ भी खोया नहीं — हम अपने आप दोबारा कोशिश करेंगे।"
    ),
    "error.gateway_rejected": "भुगतान सेवा ने इसे मना कर दिया: {detail}",
    "amount.invalid": "यह राशि समझ नहीं आई। 1500 या ₹1,500.50 जैसी संख्या भेजें।",
    "amount.not_positive": "राशि शून्य से ज़्यादा होनी चाहिए।",
    "amount.too_precise": "दशमलव के बाद ज़्यादा से ज़्यादा 2 अंक (पैसे) लिखें।",
    "amount.too_small": "सबसे छोटा एस्क्रो {limit} का है।",
    "amount.too_large": "सबसे बड़ा एस्क्रो {limit} का है (UPI भुगतान की सीमा)।",
    "code.invalid": 'कोड में 6 अक्षर और अंक होते हैं, जैसे <code>K7M2QX</code>। "{code}" कोड नहीं है।',
    "vpa.invalid": (
        "यह UPI id नहीं लगती। UPI id में पहले अक्षर, अंक, बिंदु (.) या हाइफ़न (-) होते हैं, फिर @ "
        "और बैंक का नाम, जैसे <code>name@okaxis</code>।"
    ),
    "vpa.required": "पैसे पाने के लिए मुझे आपकी UPI id चाहिए (जैसे <code>name@okaxis</code>)।",
    "vpa.required_to_join": (
        "इस एस्क्रो में पैसे आपको मिलेंगे, इसलिए अपनी UPI id दें: <code>/join {code} name@okaxis</code>"
    ),
    "description.required": 'बताइए सौदा किस चीज़ का है (जैसे: "iPhone 13, 128 GB")।',
    "description.too_long": "कृपया {limit} अक्षरों से कम रखें (यह {length} था)।",
    "reason.required": "कृपया छोटा-सा कारण लिखें।",
    "reason.too_long": "कारण {limit} अक्षरों से कम रखें।",
    "evidence.required": "कुछ लिखें या फ़ोटो भेजें।",
    "evidence.too_long": "हर संदेश {limit} अक्षरों से कम रखें।",
    "join.own_escrow": "यह आपका अपना एस्क्रो है — कोड दूसरे व्यक्ति को भेजें।",
    "join.already_joined": "आप {code} में पहले से शामिल हैं। देखने के लिए /status {code} भेजें।",
    "join.not_open": "एस्क्रो {code} में दोनों लोग आ चुके हैं, या यह बंद है।",
    "join.expired": "कोड {code} की अवधि समाप्त हो गई। नया एस्क्रो खुलवाएँ।",
    "user.banned": "आपका खाता एस्क्रो नहीं खोल या जॉइन नहीं कर सकता। ग़लती लगे तो सपोर्ट से संपर्क करें।",
    "escrow.too_many_open": "आपके {limit} एस्क्रो पहले से खुले हैं। पहले किसी को पूरा या रद्द करें।",
    "confirm.not_now": "पैसे जमा होने के बाद ही पुष्टि कर सकते हैं (अभी: {state_name})।",
    "cancel.not_now": "यह एस्क्रो अभी रद्द नहीं हो सकता ({state_name})। ज़रूरत हो तो /dispute करें।",
    "dispute.not_now": "विवाद तभी हो सकता है जब पैसे जमा हों (अभी: {state_name})।",
    "resolve.not_disputed": (
        "एस्क्रो {state_name} है: फ़ैसला सिर्फ़ विवाद वाले एस्क्रो का, या जिसका भुगतान बैंक ने "
        "लौटा दिया हो, उसका हो सकता है।"
    ),
    "resolve.payout_refused": (
        "पाने वाले की UPI id ने भुगतान लौटा दिया, इसलिए release फिर उसी id पर जाएगा। "
        "<code>refund</code> या <code>split AMOUNT</code> करें, या पाने वाले की नई UPI id का "
        "इंतज़ार करें।"
    ),
    "resolve.split_under_way": (
        "इस एस्क्रो का बँटवारा पहले से चल रहा है (भुगतान करने वाले का हिस्सा शायद लौटाया जा चुका "
        "है), इसलिए दोबारा फ़ैसला नहीं हो सकता। पाने वाले का हिस्सा उनकी नई UPI id का इंतज़ार कर "
        "रहा है।"
    ),
    "resolve.bad_split": "बँटवारे के लिए पाने वाले का हिस्सा दें: 0 से ज़्यादा और {amount} से कम।",
    "admin.only": "यह केवल TrustPay सपोर्ट के लिए है।",
    "collect.payer_only": "केवल भुगतान करने वाला ही भुगतान अनुरोध माँग सकता है।",
    "collect.not_now": "इस एस्क्रो पर अभी भुगतान अपेक्षित नहीं है ({state_name})।",
    "collect.already_sent": "उस UPI id पर भुगतान अनुरोध पहले ही भेजा जा चुका है।",
    "collect.unknown": (
        "हो सकता है आपके UPI ऐप पर भुगतान अनुरोध पहुँच गया हो। पहुँचा हो तो वहीं स्वीकार करें; "
        "न पहुँचा हो तो ऊपर दिए लिंक या QR से भुगतान करें। हम दूसरा अनुरोध नहीं भेजेंगे, "
        "ताकि आपसे दो बार न माँगा जाए।"
    ),
    "collect.refused": (
        "हम आपके UPI ऐप पर भुगतान अनुरोध नहीं भेज पाए, इसलिए ऊपर दिए लिंक या QR से भुगतान करें।"
    ),
    "upi.payee_only": "UPI id सिर्फ़ पैसे पाने वाला व्यक्ति ही बदल सकता है।",
    "upi.not_now": (
        "UPI id अभी नहीं बदली जा सकती ({state_name})। इसे भुगतान से पहले बदला जा सकता है जब तक "
        "उसकी पुष्टि न हुई हो, या तब जब बैंक ने उस पर भुगतान लौटा दिया हो।"
    ),
    "upi.same": (
        "यह वही UPI id है जो इस एस्क्रो में पहले से है। कृपया कोई दूसरी भेजें, जैसे <code>name@okaxis</code>।"
    ),
    "retry.needs_new_upi": (
        "पाने वाले की UPI id ने भुगतान लौटा दिया, इसलिए दोबारा कोशिश फिर नाकाम होगी। पाने वाले को "
        "नई UPI id देनी होगी (<code>/upi CODE नई-id</code>), या <code>/resolve CODE refund</code> "
        "या <code>split AMOUNT</code> करें।"
    ),
    "utr.invalid": "UTR में 6 से 35 अक्षर और अंक होते हैं।",
    "payout_done.nothing_due": "इस एस्क्रो पर कोई हाथ से किया जाने वाला भुगतान बाक़ी नहीं है।",
    "repay.nothing_owed": "लौटा हुआ कोई भुगतान दोबारा भेजने के लिए बाक़ी नहीं है।",
    "repay.in_progress": "दोबारा भुगतान पहले से भेजा जा रहा है।",
    "ban.admin": "सपोर्ट खातों पर रोक नहीं लगाई जा सकती।",
    "language.unknown": "मैं अंग्रेज़ी और हिन्दी बोलता हूँ।",
    "create.ask_role": "<b>नया एस्क्रो।</b> आप पैसे दे रहे हैं या पा रहे हैं?",
    "btn.role_payer": "💸 मैं भुगतान करूँगा",
    "btn.role_payee": "💰 मुझे पैसे मिलेंगे",
    "btn.cancel_flow": "✖️ रहने दें",
    "create.ask_amount": "कितने रुपये? राशि भेजें, जैसे <code>1500</code> ({min} से {max})।",
    "create.ask_description": 'सौदा किस चीज़ का है? छोटा-सा विवरण, जैसे "iPhone 13, 128 GB, नीला"।',
    "create.ask_upi": "पैसे किस UPI id पर आएँ? जैसे <code>name@okaxis</code>",
    "btn.use_saved_upi": "{upi} इस्तेमाल करें",
    "create.summary": (
        "<b>कृपया जाँच लें:</b>\n"
        "{role_line}\n"
        "राशि: <b>{amount}</b>\n"
        "किसके लिए: {description}\n"
        "{upi_line}"
        "हमारी फ़ीस: {fee} (भुगतान में से कटेगी; रिफ़ंड मुफ़्त)\n\nयह एस्क्रो खोलें?"
    ),
    "create.summary_upi": "भुगतान यहाँ होगा: {upi}\n",
    "create.summary_payer": "आप <b>भुगतान करेंगे</b>",
    "create.summary_payee": "आपको <b>पैसे मिलेंगे</b>",
    "btn.create": "✅ एस्क्रो खोलें",
    "btn.start_over": "↩️ फिर से शुरू करें",
    "create.cancelled": "ठीक है, कुछ नहीं बनाया गया।",
    "create.usage": "/create भेजें, या भुगतान आप करेंगे तो <code>/create 1500 फ़ोन कवर</code>।",
    "create.done": (
        "✅ <b>एस्क्रो {name}</b> खुल गया।\n\n"
        "कोड: <code>{code}</code>\n"
        "यह लिंक दूसरे व्यक्ति को भेजें — एक टैप में वे जुड़ जाएँगे:\n{link}\n\n"
        "कोड 7 दिन तक चलेगा।"
    ),
    "btn.share": "📤 दूसरे व्यक्ति को भेजें",
    "share.text": "मेरे TrustPay एस्क्रो {name} ({amount}) से जुड़ें: कोड {code}",
    "join.usage": "आपको मिला 6 अक्षरों का कोड <code>/join CODE</code> की तरह भेजें।",
    "join.ask_upi": (
        "आप <b>{name}</b> ({amount}) में पैसे <b>पाने वाले</b> के रूप में जुड़ रहे हैं।\n"
        "पैसे किस UPI id पर आएँ? जैसे <code>name@okaxis</code>"
    ),
    "join.done": "✅ आप <b>{name}</b> से जुड़ गए।",
    "card": (
        "🤝 <b>{name}</b> · <code>{code}</code>\n"
        "{description}\n\n"
        "राशि: <b>{amount}</b>\n"
        "भुगतान करने वाला: {payer}\n"
        "पैसे पाने वाला: {payee}\n"
        "स्थिति: <b>{state_name}</b>\n\n"
        "👉 {next}"
    ),
    "card.you": "{name} (आप)",
    "card.nobody_yet": "— जुड़ने का इंतज़ार",
    "role.payer": "भुगतान करने वाले",
    "role.payee": "पैसे पाने वाले",
    "role.system": "TrustPay",
    "state.AWAITING_PARTNER": "दूसरे व्यक्ति का इंतज़ार",
    "state.AWAITING_PAYMENT": "भुगतान का इंतज़ार",
    "state.HELD": "पैसे सुरक्षित जमा",
    "state.RELEASING": "पाने वाले को भुगतान हो रहा है",
    "state.RELEASED": "पूरा — भुगतान हो गया",
    "state.REFUNDING": "रिफ़ंड हो रहा है",
    "state.REFUNDED": "रिफ़ंड हो गया",
    "state.CANCELLED": "रद्द",
    "state.EXPIRED": "समाप्त",
    "state.DISPUTED": "विवाद में — सपोर्ट फ़ैसला कर रहा है",
    "state.SPLIT": "सपोर्ट ने बाँट दिया",
    "state.PAYOUT_FAILED": "भुगतान लौटा — नई UPI id का इंतज़ार",
    "next.share_code": "कोड <code>{code}</code> दूसरे व्यक्ति को भेजें।",
    "next.payer_pays": "भेजे गए लिंक या QR से UPI द्वारा {amount} का भुगतान करें।",
    "next.wait_for_payment": "{payer} के भुगतान का इंतज़ार करें। पैसे जमा होते ही हम बताएँगे।",
    "next.payee_delivers": "पैसे जमा हैं। सामान/सेवा दें, फिर <b>दे दिया</b> दबाएँ।",
    "next.payer_checks": (
        "पैसे जमा हैं। जो ख़रीदा वह मिल जाए तो <b>पैसे भेजें</b> दबाएँ। वरना विवाद न करने पर "
        "{release_date} को पैसे अपने आप भेज दिए जाएँगे।"
    ),
    "next.wait_for_other_confirm": "आपने पुष्टि कर दी। दूसरे व्यक्ति की पुष्टि का इंतज़ार है।",
    "next.releasing": "पाने वाले की UPI id पर {payout} भेजे जा रहे हैं।",
    "next.released": "पूरा हुआ। पाने वाले को {payout} भेज दिए गए।",
    "next.refunding": "भुगतान करने वाले को {amount} लौटाए जा रहे हैं।",
    "next.refunded": "पूरा हुआ। भुगतान करने वाले को {amount} लौटा दिए गए।",
    "next.cancelled": "अब कुछ करना नहीं है।",
    "next.expired": "अब कुछ करना नहीं है। सौदा करना हो तो नया एस्क्रो खोलें।",
    "next.disputed": "सपोर्ट देख रहा है। सबूत के तौर पर यहाँ संदेश या फ़ोटो भेजें।",
    "next.split": "सपोर्ट ने पैसे बाँट दिए: पाने वाले को उनका हिस्सा, बाक़ी भुगतान करने वाले को।",
    "next.payout_failed": (
        "पाने वाले के बैंक ने भुगतान लौटा दिया। आपके पैसे TrustPay के पास सुरक्षित हैं; हम पाने "
        "वाले की नई UPI id का इंतज़ार कर रहे हैं।"
    ),
    "next.payout_failed.payee": (
        "आपके बैंक ने भुगतान लौटा दिया। जब तक आप सही UPI id नहीं देते, पैसे TrustPay के पास "
        "सुरक्षित हैं: <b>नई UPI id दें</b> दबाएँ, या <code>/upi {code} name@okaxis</code> भेजें।"
    ),
    "btn.release": "✅ पैसे भेजें",
    "btn.delivered": "✅ दे दिया",
    "btn.cancel": "✖️ एस्क्रो रद्द करें",
    "btn.cancel_refund": "↩️ रद्द करें और रिफ़ंड दें",
    "btn.ask_cancel": "↩️ रद्द करने को कहें",
    "btn.dispute": "⚠️ दिक़्क़त? विवाद करें",
    "btn.collect": "📲 मेरे UPI ऐप पर अनुरोध भेजें",
    "btn.receipt": "🧾 रसीद",
    "btn.share_code": "📤 शेयर करें",
    "btn.status_page": "🌐 स्थिति पेज",
    "btn.refresh": "🔄 ताज़ा करें",
    "btn.new_upi": "✏️ नई UPI id दें",
    "ask.release": "{payee} को {payout} भेजें? यह वापस नहीं होगा।",
    "ask.cancel_refund": "रद्द करके {payer} को {amount} लौटाएँ?",
    "ask.dispute": (
        "सपोर्ट को बताइए क्या गड़बड़ हुई: <code>/dispute {code} आपका कारण</code> भेजें, "
        "जैसे <code>/dispute {code} सामान नहीं आया</code>।"
    ),
    "btn.yes_release": "हाँ, भेजें",
    "btn.yes_cancel": "हाँ, रद्द करके रिफ़ंड दें",
    "btn.no": "नहीं, वापस जाएँ",
    "action.confirmed": "✅ दर्ज कर लिया। {next}",
    "action.cancelled": "एस्क्रो रद्द हो गया।",
    "action.cancel_requested": "मैंने {payee} से रद्द करने पर सहमति माँगी है। न मानें तो /dispute करें।",
    "action.refund_started": "रिफ़ंड शुरू। {payer} को {amount} वापस मिलेंगे।",
    "action.disputed": (
        "⚠️ विवाद दर्ज हुआ। सपोर्ट के फ़ैसले तक पैसे जमा रहेंगे।\n"
        "अभी यहाँ संदेश या फ़ोटो भेजें — वे सबूत के तौर पर सपोर्ट को जाएँगे।"
    ),
    "action.collect_sent": "📲 {amount} का भुगतान अनुरोध {upi} पर भेजा गया। अपने UPI ऐप में स्वीकार करें।",
    "collect.ask_upi": "अपनी UPI id भेजें, मैं आपके UPI ऐप पर भुगतान अनुरोध भेज दूँगा।",
    "evidence.saved": "📎 {code} के विवाद में जोड़ दिया।",
    "upi.usage": "पैसे पाने के लिए नई UPI id देने को <code>/upi CODE name@okaxis</code> भेजें।",
    "upi.ask": (
        "<b>{name}</b> ({code}) के पैसे किस UPI id पर आएँ? यहाँ भेजें, जैसे "
        "<code>name@okaxis</code>। (रोकने के लिए /cancel भेजें।)"
    ),
    "upi.kept": "ठीक है, UPI id पहले जैसी ही रहेगी।",
    "upi.send_again": "कृपया UPI id फिर से भेजें।",
    "upi.checking_payout": (
        "🔎 धन्यवाद। आपकी नई UPI id {upi} बैंक से जाँची जा रही है… पुष्टि होते ही पैसे उस पर "
        "भेजे जाएँगे; तब तक वे TrustPay के पास सुरक्षित हैं। मैं यहीं बताऊँगा।"
    ),
    "upi.checking_payment": (
        "🔎 धन्यवाद। आपकी नई UPI id {upi} बैंक से जाँची जा रही है… पुष्टि होते ही {payer} को "
        "भुगतान लिंक भेजा जाएगा। मैं यहीं बताऊँगा।"
    ),
    "upi.sending": "✅ आपकी नई UPI id {upi} मान ली गई। पैसे अभी उस पर भेजे जा रहे हैं।",
    "upi.payment_asked": "✅ आपकी नई UPI id {upi} मान ली गई। अब {payer} से भुगतान माँगा गया है।",
    "upi.checked_invalid": ("❌ बैंक के अनुसार {upi} मौजूद नहीं है। कृपया जाँचकर यहाँ दूसरी UPI id भेजें।"),
    "mine.empty": "अभी आपका कोई एस्क्रो नहीं है। खोलने के लिए /create भेजें।",
    "mine.header": "<b>आपके एस्क्रो</b>",
    "mine.line": "{icon} <code>{code}</code> {name} — {amount} — {state_name}",
    "status.usage": "<code>/status CODE</code> भेजें, या सूची के लिए /mine।",
    "confirm.usage": "<code>/confirm CODE</code> भेजें।",
    "cancel.usage": "<code>/cancel CODE</code> भेजें (कारण भी लिख सकते हैं)।",
    "dispute.usage": "<code>/dispute CODE क्या गड़बड़ हुई</code> भेजें।",
    "receipt.usage": "<code>/receipt CODE</code> भेजें।",
    "receipt.caption": "🧾 {name} ({code}) की रसीद",
    "notify.partner_joined": "👥 {other} <b>{name}</b> से जुड़ गए। सौदा यह है:",
    "notify.payment_requested": (
        "💸 {name} ({code}) के लिए <b>{amount} का भुगतान करें</b>।\n\n"
        "अपने फ़ोन पर यह लिंक दबाएँ, UPI ऐप खुल जाएगा:\n{link}\n\n"
        "या QR कोड स्कैन करें। ठीक {amount} भेजें; दोनों की पुष्टि तक पैसे हमारे पास सुरक्षित रहेंगे।\n"
        "{due} तक भुगतान करें।"
    ),
    "notify.payment_requested_collect": "आपके UPI ऐप पर भी भुगतान अनुरोध भेजा गया है।",
    "notify.payment_requested_named": (
        "✅ पैसे UPI id {upi} पर जाएँगे, जो <b>{holder}</b> के नाम पर है। भुगतान तभी करें जब "
        "यह वही व्यक्ति हो जिससे आप सौदा कर रहे हैं।"
    ),
    "notify.payment_requested_unverified": (
        "⚠️ हम पाने वाले की UPI id {upi} पर नाम नहीं जाँच पाए। भुगतान तभी करें जब आपको पक्का "
        "हो कि यह उसी व्यक्ति की है जिससे आप सौदा कर रहे हैं।"
    ),
    "notify.payment_held": "🔒 {name} ({code}) के लिए <b>{amount} मिल गए और जमा हैं</b>।",
    "notify.partner_confirmed": "✅ {by_name} ने {name} सौदे की पुष्टि कर दी।",
    "notify.cancel_requested": (
        "↩️ भुगतान करने वाले ने {name} ({code}) रद्द करने को कहा है। सहमत हों तो "
        "<b>रद्द करें और रिफ़ंड दें</b> दबाएँ। असहमत हों तो सामान दें और <b>दे दिया</b> दबाएँ, "
        "या /dispute करें।"
    ),
    "notify.cancelled": "✖️ {name} ({code}) रद्द हो गया।",
    "notify.expired": "⌛ {name} ({code}) की अवधि समाप्त हो गई।",
    "notify.disputed": (
        "⚠️ {name} ({code}) विवाद में है। सपोर्ट फ़ैसला करेगा; तब तक पैसे जमा रहेंगे। "
        "सबूत के तौर पर यहाँ संदेश या फ़ोटो भेजें।"
    ),
    "notify.releasing": "💸 {name} ({code}) के लिए पाने वाले को {payout} भेजे जा रहे हैं…",
    "notify.refunding": "↩️ {name} ({code}) के लिए {amount} लौटाए जा रहे हैं…",
    "notify.released": "🎉 <b>पूरा हुआ!</b> {name} ({code}) के लिए पाने वाले को {payout} भेज दिए गए। UTR: {utr}",
    "notify.refunded": "↩️ {name} ({code}) के लिए भुगतान करने वाले को {amount} लौटा दिए गए। UTR: {utr}",
    "notify.releasing.payee": "💸 {name} ({code}) के लिए आपकी UPI id पर {payout} भेजे जा रहे हैं…",
    "notify.released.payee": (
        "🎉 <b>पूरा हुआ!</b> {name} ({code}) के लिए आपकी UPI id पर {payout} भेज दिए गए। UTR: {utr}"
    ),
    "notify.refunded.payer": "↩️ {name} ({code}) के लिए आपको {amount} लौटा दिए गए। UTR: {utr}",
    "notify.split": "⚖️ सपोर्ट ने {name} ({code}) का फ़ैसला किया: पाने वाले को {payout}, बाक़ी भुगतान करने वाले को वापस।",
    "notify.payment_failed": "❌ {name} के लिए आपका भुगतान नहीं हुआ: {reason}। आप फिर कोशिश कर सकते हैं।",
    "notify.payment_returned": (
        "↩️ {name} ({code}) के लिए हमें {returned} मिले, लेकिन {problem_text}। "
        "यह राशि अपने आप आपको लौटाई जा रही है।"
    ),
    "problem.wrong_amount": "यह एस्क्रो की राशि ({amount}) नहीं है",
    "problem.escrow_not_awaiting_payment": "एस्क्रो अब भुगतान का इंतज़ार नहीं कर रहा था",
    "problem.unknown_reference": "हम इसे किसी एस्क्रो से नहीं जोड़ पाए",
    "notify.payment_return_done": "✅ {returned} आपको लौटा दिए गए। UTR: {utr}",
    "notify.payout_reversed": (
        "⚠️ बैंक ने {name} ({code}) का भुगतान लौटा दिया। पैसे हमारे पास सुरक्षित हैं; "
        "दोबारा भुगतान के लिए सपोर्ट आपसे संपर्क करेगा।"
    ),
    "notify.repaid": "✅ {name} ({code}) के लिए पाने वाले को {paid} दोबारा भेज दिए गए। UTR: {utr}",
    "notify.payment_delayed": (
        "⏳ {name} का भुगतान लिंक बनाने में दिक़्क़त आ रही है। हम कोशिश कर रहे हैं — लिंक यहीं मिलेगा।"
    ),
    "notify.support_alert": "🚨 <b>अलर्ट</b> ({alert}) {code}: {detail}",
    "upi.holder": "किसके नाम पर: <b>{holder}</b>",
    "upi.holder_unknown": "बैंक ने इस UPI id के लिए कोई नाम नहीं बताया।",
    "notify.payee_upi_verified.payer": (
        "🔎 {name} ({code}) का <b>भुगतान करने से पहले</b>: जिस UPI id {upi} पर पैसे जाएँगे, वह "
        "<b>{holder}</b> के नाम पर है। भुगतान तभी करें जब यह वही व्यक्ति हो जिससे आप सौदा कर "
        "रहे हैं।"
    ),
    "notify.payee_upi_verified_unnamed.payer": (
        "🔎 {name} ({code}) का <b>भुगतान करने से पहले</b>: जिस UPI id {upi} पर पैसे जाएँगे, वह "
        "मौजूद है, पर बैंक ने उसका कोई नाम नहीं बताया। भुगतान तभी करें जब आपको पक्का हो कि यह "
        "उसी व्यक्ति की है जिससे आप सौदा कर रहे हैं।"
    ),
    "notify.payee_upi_verified.payee": (
        "✅ {name} ({code}) के लिए आपकी UPI id {upi} की बैंक ने पुष्टि कर दी।\n{holder_line}\n"
        "अब {other} से भुगतान माँगा गया है।"
    ),
    "notify.payee_upi_verified_again.payee": (
        "✅ {name} ({code}) के लिए आपकी नई UPI id {upi} की बैंक ने पुष्टि कर दी।\n{holder_line}\n"
        "पैसे अभी उस पर भेजे जा रहे हैं।"
    ),
    "notify.payee_upi_verified_again.payer": (
        "पाने वाले ने {name} ({code}) के लिए नई UPI id दी है: {upi}।\n{holder_line}\n"
        "आपके भुगतान किए पैसे अब वहाँ भेजे जा रहे हैं।"
    ),
    "notify.payee_upi_unverified.payer": (
        "⚠️ हम {name} ({code}) के पाने वाले की UPI id {upi} बैंक से नहीं जाँच पाए, इसलिए नहीं "
        "बता सकते कि यह किसके नाम पर है। भुगतान तभी करें जब आपको पक्का हो कि यह उसी व्यक्ति की "
        "है जिससे आप सौदा कर रहे हैं।"
    ),
    "notify.payee_upi_unverified.payee": (
        "⚠️ हम {name} ({code}) के लिए आपकी UPI id {upi} बैंक से नहीं जाँच पाए, इसलिए बिना जाँच "
        "आगे बढ़ रहे हैं। अगर इसमें कोई ग़लती है तो अभी <code>/upi {code} name@okaxis</code> भेजें।"
    ),
    "notify.payee_upi_unverified_again": (
        "बैंक {name} ({code}) की नई UPI id {upi} नहीं जाँच पाया, इसलिए हम फिर भी उस पर भुगतान "
        "भेज रहे हैं। पैसे पहुँचने तक TrustPay के पास सुरक्षित हैं।"
    ),
    "notify.payee_upi_invalid.payee": (
        "❌ {name} ({code}) के लिए आपकी दी हुई UPI id {upi} मौजूद नहीं है, इसलिए अभी कोई आपको "
        "भुगतान नहीं कर सकता। नीचे <b>नई UPI id दें</b> दबाएँ, या "
        "<code>/upi {code} name@okaxis</code> भेजें।"
    ),
    "notify.payee_upi_invalid.payer": (
        "⏳ {name} ({code}) के पाने वाले की UPI id ग़लत निकली। कृपया रुकें और <b>अभी भुगतान न "
        "करें</b>: हमने उनसे नई UPI id माँगी है, उसकी पुष्टि होते ही आपको भुगतान लिंक भेजेंगे।"
    ),
    "notify.payee_upi_invalid_again.payee": (
        "❌ {name} ({code}) के लिए नई UPI id {upi} भी मौजूद नहीं है। आपके पैसे अब भी TrustPay के "
        "पास सुरक्षित हैं। नीचे <b>नई UPI id दें</b> दबाएँ, या "
        "<code>/upi {code} name@okaxis</code> भेजें।"
    ),
    "notify.payee_upi_invalid_again.payer": (
        "{name} ({code}) के पाने वाले की नई UPI id भी सही नहीं निकली। आपके पैसे अब भी TrustPay "
        "के पास सुरक्षित हैं; हम उनकी दूसरी UPI id का इंतज़ार कर रहे हैं।"
    ),
    "notify.payout_refused.payee": (
        "⚠️ {name} ({code}) के लिए आपकी UPI id {upi} पर {paid} का भुगतान बैंक ने लौटा दिया: "
        "शायद id ग़लत लिखी है या खाता बंद है। पैसे TrustPay के पास सुरक्षित हैं। नीचे <b>नई UPI "
        "id दें</b> दबाएँ, या <code>/upi {code} name@okaxis</code> भेजें, हम वहाँ भुगतान करेंगे।"
    ),
    "notify.payout_refused.payer": (
        "⏳ {name} ({code}) का भुगतान पाने वाले के बैंक ने लौटा दिया। आपके पैसे TrustPay के पास "
        "सुरक्षित हैं; हम पाने वाले की नई UPI id का इंतज़ार कर रहे हैं, फिर वहाँ भुगतान करेंगे।"
    ),
    "admin.menu": (
        "<b>सपोर्ट</b>\n"
        "/find CODE | @user | telegram-id\n/alerts\n/stats\n"
        "/resolve CODE release|refund|split AMOUNT\n/retry CODE\n/payout_done CODE UTR\n"
        "/ban TELEGRAM_ID [कारण]  ·  /unban TELEGRAM_ID\n/login — एडमिन वेब लिंक"
    ),
    "btn.alerts": "🚨 अलर्ट",
    "btn.stats": "📊 आँकड़े",
    "admin.find_usage": "<code>/find CODE</code>, <code>/find @username</code> या <code>/find 12345</code> भेजें।",
    "admin.found_none": "{query} के लिए कुछ नहीं मिला।",
    "admin.log_line": "{time} {event} {status} {amount}",
    "admin.evidence_line": "📎 {who}: {text}",
    "admin.resolve_usage": "<code>/resolve CODE release</code>, <code>refund</code> या <code>split AMOUNT</code> (पाने वाले का हिस्सा) भेजें।",
    "admin.resolved": "{code} का फ़ैसला: {outcome}।",
    "admin.retry_usage": "<code>/retry CODE</code> भेजें।",
    "admin.retried": "{code} पर पैसों का अगला क़दम अभी दोबारा चलाया जा रहा है।",
    "retry.nothing": "इस एस्क्रो पर दोबारा करने को कुछ नहीं है: यह {state_name} है।",
    "retry.in_flight": "इस एस्क्रो के लिए पेमेंट सेवा को कॉल अभी चल रही है। एक मिनट बाद /find CODE से फिर देखें।",
    "admin.payout_done_usage": "हाथ से भुगतान के बाद <code>/payout_done CODE UTR</code> भेजें।",
    "admin.payout_recorded": "{code} के लिए UTR {utr} दर्ज किया।",
    "admin.alerts_none": "कोई खुला अलर्ट नहीं। 🎉",
    "admin.alert_line": "🚨 #{id} {kind} {code}: {detail}",
    "btn.alert_done": "✓ पूरा #{id}",
    "admin.alert_closed": "अलर्ट #{id} बंद।",
    "admin.stats": (
        "<b>एस्क्रो</b>\n{by_state}\n\nअभी जमा: {held}\nभेजे गए: {released}\nखुले अलर्ट: {alerts}"
    ),
    "admin.ban_usage": "<code>/ban TELEGRAM_ID कारण</code> भेजें।",
    "admin.banned": "यूज़र {telegram_id} पर रोक लगा दी गई।",
    "admin.unbanned": "यूज़र {telegram_id} फिर से TrustPay इस्तेमाल कर सकते हैं।",
    "admin.login_link": "आपका एडमिन लिंक (एक बार, 10 मिनट):\n{url}",
}
