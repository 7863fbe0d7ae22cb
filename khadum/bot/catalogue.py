"""Every word the WhatsApp bot says, Arabic first and English beside it.

Placeholders are `{name}`. Button titles stay within 20 characters and list row
titles within 24 (WhatsApp's limits); `tests/bot/test_catalogue.py` checks both.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # -- greeting and describing ------------------------------------------------
    "greeting": {
        "ar": "أهلاً {name} 👋 أنا مساعد *خدوم*.\nأساعدك تلقى المستقل المناسب لمشروعك من بين مستقلين سعوديين موثوقين: توصف لي اللي تحتاجه، أقترح عليك الأنسب، وأرسل طلبك للي تختاره. بدون أي دفع مقدم.",
        "en": "Hello {name} 👋 I'm the *Khadum* assistant.\nI help you find the right Saudi freelancer for your project: describe what you need, I suggest the best matches, and I send your request to the one you choose. No payment up front.",
    },
    "ask_describe": {
        "ar": "وش الخدمة اللي تحتاجها؟ اكتب لي وصف طلبك بكلماتك، مثل: «أبي إعلان تسويقي لساعة ذكية للشباب».",
        "en": "What do you need? Describe it in your own words, e.g. \"I need a marketing ad for a smart watch aimed at young people\".",
    },
    "need_more_detail": {
        "ar": "ما قدرت أحدد نوع الخدمة بالضبط 🤔 ممكن توضح أكثر؟ وش الشغل المطلوب، ولمين، وكم ميزانيتك تقريباً؟",
        "en": "I couldn't tell which service you need 🤔 Could you say a bit more: what work, for whom, and roughly what budget?",
    },
    "description_too_long": {
        "ar": "الوصف طويل جداً (الحد 2000 حرف). اكتب الطلب باختصار: وش الشغل المطلوب، ولمين، وكم ميزانيتك تقريباً؟",
        "en": "That description is too long (2,000 characters at most). Please describe the job briefly: what work, for whom, and roughly what budget?",
    },
    "no_matches": {
        "ar": "ما لقيت مستقلين مناسبين لهذا الوصف حالياً 😔 جرّب توصف طلبك بطريقة ثانية أو بتفاصيل أكثر.",
        "en": "I couldn't find suitable freelancers for that description 😔 Try describing it differently or with more detail.",
    },
    # -- the list of matches ---------------------------------------------------------
    "matches_intro": {
        "ar": "لقيت لك مستقلين مناسبين لطلبك 👇\n«{summary}»\nاضغط «عرض المستقلين» واختر واحد لتشوف تفاصيله.",
        "en": "Here are freelancers who fit your request 👇\n\"{summary}\"\nTap \"See freelancers\" and choose one to see their details.",
    },
    "matches_more_intro": {
        "ar": "هذي خيارات إضافية لطلبك 👇",
        "en": "Here are more options for your request 👇",
    },
    "no_more_matches": {
        "ar": "هذولا كل المستقلين المناسبين حالياً. اختر من القائمة السابقة أو أعد وصف طلبك.",
        "en": "Those are all the suitable freelancers for now. Choose from the list above or describe your request again.",
    },
    "list_button": {"ar": "عرض المستقلين", "en": "See freelancers"},
    "list_section_freelancers": {"ar": "المستقلون المقترحون", "en": "Suggested freelancers"},
    "list_section_options": {"ar": "خيارات أخرى", "en": "Other options"},
    "row_more": {"ar": "المزيد من المستقلين", "en": "More freelancers"},
    "row_more_desc": {"ar": "اعرض لي خيارات إضافية", "en": "Show me more options"},
    "row_redescribe": {"ar": "أعد وصف طلبي", "en": "Describe again"},
    "row_redescribe_desc": {"ar": "أكتب وصف جديد للخدمة", "en": "Write a new description"},
    "row_description": {"ar": "⭐ {rating} · {headline}", "en": "⭐ {rating} · {headline}"},
    # -- picking and confirming ----------------------------------------------------
    "freelancer_card": {
        "ar": "*{name}*\n⭐ {rating}/5 ({rating_count} تقييم) · {completed} مشروع منجز\n{headline}\n📍 {city} · 💰 يبدأ من {min_budget} ريال\n\nتبي ترسل طلبك لـ {name}؟",
        "en": "*{name}*\n⭐ {rating}/5 ({rating_count} reviews) · {completed} projects done\n{headline}\n📍 {city} · 💰 from {min_budget} SAR\n\nSend your request to {name}?",
    },
    "btn_confirm_choice": {"ar": "✅ نعم، أكمل", "en": "✅ Yes, continue"},
    "btn_choose_other": {"ar": "↩️ اختيار آخر", "en": "↩️ Choose another"},
    "confirm_choice_again": {
        "ar": "اضغط «نعم، أكمل» لإرسال طلبك لـ {name}، أو «اختيار آخر».",
        "en": "Tap \"Yes, continue\" to send your request to {name}, or \"Choose another\".",
    },
    # -- collecting the details, one at a time --------------------------------------
    "ask_name": {"ar": "ممتاز 👌 عشان نكمل طلبك، وش اسمك الكريم؟", "en": "Great 👌 To complete your request, what is your name?"},
    "bad_name": {
        "ar": "الاسم لازم يكون حروف فقط (من حرفين إلى 60 حرف) 🙏 وش اسمك؟",
        "en": "A name should be letters only (2 to 60 characters) 🙏 What is your name?",
    },
    "ask_email": {
        "ar": "تشرفنا يا {name} 🙏 وش بريدك الإلكتروني؟ نرسل لك عليه رابط المحادثة لما يقبل المستقل.",
        "en": "Nice to meet you, {name} 🙏 What is your email? We send the chat link there when the freelancer accepts.",
    },
    "bad_email": {
        "ar": "البريد «{value}» غير صحيح. اكتب بريد مثل name@example.com",
        "en": "\"{value}\" is not a valid email. Please write one like name@example.com",
    },
    "ask_details": {
        "ar": "اكتب أي تفاصيل إضافية عن المشروع (مميزات المنتج، الموعد، ملاحظات…)، أو اكتب «لا يوجد».",
        "en": "Add any extra project details (product features, deadline, notes…), or write \"none\".",
    },
    "bad_details": {
        "ar": "التفاصيل طويلة جداً (الحد 1500 حرف). اختصرها لو سمحت، أو اكتب «لا يوجد».",
        "en": "That is too long (1,500 characters at most). Please shorten it, or write \"none\".",
    },
    "ask_budget": {
        "ar": "كم ميزانيتك المتوقعة بالريال؟ مثل: 300 ريال، أو ٢٠٠-٤٠٠، أو «مفتوحة».",
        "en": "What is your expected budget in SAR? E.g. 300 SAR, 200-400, or \"open\".",
    },
    "bad_budget": {
        "ar": "ما فهمت الميزانية 🙏 اكتب مبلغ بالريال مثل 300 أو ٥٠٠ ريال أو 200-400، أو «مفتوحة».",
        "en": "I didn't get the budget 🙏 Write an amount in SAR like 300, 500 SAR or 200-400, or \"open\".",
    },
    "budget_open": {"ar": "مفتوحة", "en": "Open"},
    "ask_reason": {
        "ar": "وش سبب اختيارك لـ {name}؟ (اختياري)\nاكتب السبب بكلماتك، أو اضغط «استخدم المقترح»:\n«{suggested}»",
        "en": "Why did you choose {name}? (optional)\nWrite it in your words, or tap \"Use suggestion\":\n\"{suggested}\"",
    },
    "btn_use_suggested": {"ar": "👍 استخدم المقترح", "en": "👍 Use suggestion"},
    "bad_reason": {
        "ar": "السبب طويل جداً (الحد 500 حرف). اختصره أو اضغط «استخدم المقترح».",
        "en": "That is too long (500 characters at most). Shorten it or tap \"Use suggestion\".",
    },
    "reason_default": {
        "ar": "اخترتك بسبب خبرتك في {expertise} وتقييمك العالي {rating}/5",
        "en": "I chose you for your experience in {expertise} and your high rating of {rating}/5",
    },
    "reason_default_plain": {
        "ar": "اخترتك بسبب خبرتك في {expertise} وتقييمك {rating}/5",
        "en": "I chose you for your experience in {expertise} and your rating of {rating}/5",
    },
    "reason_default_headline": {
        "ar": "اخترتك لأن تخصصك «{headline}» يناسب طلبي، وتقييمك العالي {rating}/5",
        "en": "I chose you because your specialty, \"{headline}\", fits my request, and your high rating of {rating}/5",
    },
    "reason_default_plain_headline": {
        "ar": "اخترتك لأن تخصصك «{headline}» يناسب طلبي، وتقييمك {rating}/5",
        "en": "I chose you because your specialty, \"{headline}\", fits my request, and your rating of {rating}/5",
    },
    "reason.and": {"ar": " و", "en": " and "},
    "budget_under_minimum": {
        "ar": "💡 ملاحظة: أسعار {freelancer} تبدأ عادةً من {minimum} ريال، وميزانيتك أقل من ذلك. تقدر ترسل الطلب كما هو ويتم التفاهم في المحادثة، أو تعدّل الميزانية.",
        "en": "💡 Note: {freelancer}'s prices usually start at {minimum} SAR, and your budget is below that. You can send the request as it is and discuss it in the chat, or edit the budget.",
    },
    "headline_fallback": {"ar": "متخصص في {expertise}", "en": "Specialist in {expertise}"},
    # -- summary -----------------------------------------------------------------------
    "summary": {
        "ar": "📋 *ملخص طلبك*\n👤 الاسم: {name}\n📧 الإيميل: {email}\n🧑‍💻 المستقل: {freelancer}\n📝 الوصف: {description}\n🏷️ الخدمة: {category} · {title}\n💰 الميزانية: {budget}\n🎯 سبب الاختيار: {reason}\n📋 تفاصيل إضافية: {details}\n\nنرسل الطلب؟",
        "en": "📋 *Your request*\n👤 Name: {name}\n📧 Email: {email}\n🧑‍💻 Freelancer: {freelancer}\n📝 Description: {description}\n🏷️ Service: {category} · {title}\n💰 Budget: {budget}\n🎯 Reason for choice: {reason}\n📋 Extra details: {details}\n\nShall I send it?",
    },
    "none": {"ar": "لا يوجد", "en": "None"},
    "btn_submit": {"ar": "✅ إرسال الطلب", "en": "✅ Send request"},
    "btn_edit": {"ar": "✏️ تعديل", "en": "✏️ Edit"},
    "btn_cancel": {"ar": "❌ إلغاء", "en": "❌ Cancel"},
    "summary_again": {
        "ar": "اختر «إرسال الطلب» أو «تعديل» أو «إلغاء».",
        "en": "Choose \"Send request\", \"Edit\" or \"Cancel\".",
    },
    "edit_prompt": {"ar": "وش تبي تعدّل؟", "en": "What would you like to change?"},
    "edit_button": {"ar": "اختر", "en": "Choose"},
    "edit_section": {"ar": "الحقول", "en": "Fields"},
    "edit_name": {"ar": "الاسم", "en": "Name"},
    "edit_email": {"ar": "الإيميل", "en": "Email"},
    "edit_details": {"ar": "التفاصيل الإضافية", "en": "Extra details"},
    "edit_budget": {"ar": "الميزانية", "en": "Budget"},
    "edit_reason": {"ar": "سبب الاختيار", "en": "Reason for choice"},
    "edit_freelancer": {"ar": "المستقل", "en": "Freelancer"},
    "edit_description": {"ar": "وصف الطلب", "en": "Description"},
    "submitted": {
        "ar": "تم إرسال طلبك لـ {freelancer} ✅\nمهلة الرد 24 ساعة، وبنبلغك هنا أول ما يوصلنا الرد. ما فيه أي دفع مقدم.\nرقم الطلب: {short_id}",
        "en": "Your request has been sent to {freelancer} ✅\nThey have 24 hours to answer; I'll tell you here as soon as they do. No payment up front.\nRequest number: {short_id}",
    },
    "cancelled": {
        "ar": "تم إلغاء الطلب الحالي. متى ما احتجت شي اكتب لي 👋",
        "en": "The current request is cancelled. Write to me whenever you need something 👋",
    },
    "nothing_to_cancel": {
        "ar": "ما فيه طلب قيد الإعداد لإلغائه. الطلبات المرسلة تنتهي تلقائياً إذا ما رد المستقل خلال 24 ساعة.",
        "en": "There is no request in progress to cancel. Sent requests expire on their own if the freelancer doesn't answer within 24 hours.",
    },
    # -- anytime commands -------------------------------------------------------------
    "help": {
        "ar": "أقدر أساعدك بهذي الأوامر في أي وقت:\n• *طلب جديد*: نبدأ طلب جديد\n• *حالة*: حالة طلباتك\n• *إلغاء*: إلغاء الطلب الحالي\n• *English*: التحويل للإنجليزية\n• *مساعدة*: هذي الرسالة\nأو اكتب وصف الخدمة اللي تحتاجها مباشرة.",
        "en": "You can use these at any time:\n• *new request*: start a new request\n• *status*: the state of your requests\n• *cancel*: cancel the request in progress\n• *عربي*: switch to Arabic\n• *help*: this message\nOr simply describe the service you need.",
    },
    "status_none": {"ar": "ما عندك طلبات مرسلة حتى الآن.", "en": "You haven't sent any requests yet."},
    "status_header": {"ar": "📋 طلباتك:", "en": "📋 Your requests:"},
    "status_line": {"ar": "• {freelancer}: {status} ({date})", "en": "• {freelancer}: {status} ({date})"},
    "status.pending": {"ar": "بانتظار الرد ⏳", "en": "awaiting an answer ⏳"},
    "status.accepted": {"ar": "مقبول ✅", "en": "accepted ✅"},
    "status.rejected": {"ar": "معتذر ❌", "en": "declined ❌"},
    "status.expired": {"ar": "انتهت المهلة ⏰", "en": "expired ⏰"},
    "language_switched": {"ar": "تم التحويل للعربية ✅", "en": "Switched to English ✅"},
    "waiting_reminder": {
        "ar": "طلبك عند {freelancer} بانتظار الرد ⏳ بنبلغك هنا أول ما يوصلنا الرد.\nلطلب جديد اكتب «طلب جديد»، ولمعرفة حالة طلباتك اكتب «حالة».",
        "en": "Your request is with {freelancer}, awaiting their answer ⏳ I'll tell you here as soon as they reply.\nFor a new request write \"new request\"; for your requests' state write \"status\".",
    },
    "idle_prompt": {
        "ar": "أهلاً من جديد 👋 اكتب وصف الخدمة اللي تحتاجها ونبدأ طلب جديد، أو «مساعدة» للأوامر.",
        "en": "Welcome back 👋 Describe the service you need to start a new request, or write \"help\".",
    },
    # -- things the bot cannot read ---------------------------------------------------
    "unsupported.audio": {
        "ar": "🎙️ للأسف ما أقدر أسمع الرسائل الصوتية حالياً. ممكن تكتب لي نصاً؟",
        "en": "🎙️ Sorry, I can't listen to voice messages yet. Could you type it instead?",
    },
    "unsupported.image": {
        "ar": "📷 وصلتني الصورة، بس أفهم النصوص فقط حالياً. اكتب لي نصاً، وتقدر ترسل الصور للمستقل في المحادثة الخاصة بعد القبول.",
        "en": "📷 Got your image, but I only read text for now. Please type it; you can share images with the freelancer in the private chat once they accept.",
    },
    "unsupported.sticker": {"ar": "😄 ملصق جميل! اكتب لي نصاً كيف أقدر أساعدك.", "en": "😄 Nice sticker! Please type how I can help."},
    "unsupported.location": {
        "ar": "📍 شكراً، وصلني الموقع. اكتب لي نصاً وتقدر تذكر المدينة في التفاصيل.",
        "en": "📍 Thanks, I got the location. Please type your answer; you can mention the city in the details.",
    },
    "unsupported.contacts": {
        "ar": "👤 وصلتني جهة الاتصال، بس الطلب يكون باسمك ورقمك أنت. اكتب لي نصاً لو سمحت.",
        "en": "👤 Got the contact, but requests are made in your own name and number. Please type your answer.",
    },
    "unsupported.other": {
        "ar": "ما قدرت أقرأ هذي الرسالة 🙏 اكتب لي نصاً لو سمحت.",
        "en": "I couldn't read that message 🙏 Please type it as text.",
    },
    "stale_choice": {
        "ar": "هذا الخيار لم يعد متاحاً 🙏 نكمل من حيث وصلنا:",
        "en": "That option is no longer available 🙏 Let's continue where we were:",
    },
    "rate_limited": {
        "ar": "⏳ وصلتني رسائل كثيرة خلال وقت قصير. انتظر دقيقة لو سمحت ثم أكمل معك.",
        "en": "⏳ I received many messages in a short time. Please wait a minute and I'll continue with you.",
    },
    "rate_limited_queued": {
        "ar": "⏳ وصلتني رسائل كثيرة خلال وقت قصير. انتظر دقيقة لو سمحت: رسائلك محفوظة، وبرد عليها بالترتيب من الساعة {time} (بتوقيت الرياض).",
        "en": "⏳ I received many messages in a short time. Please wait a minute: your messages are saved, and I'll answer them in order from {time} (Riyadh time).",
    },
    # -- follow-ups after the freelancer answers -------------------------------------
    "followup.rejected": {
        "ar": "نعتذر منك 🙏 تعذّر على {freelancer} قبول طلبك هذي المرة.{reason}\nاخترنا لك مستقلين آخرين مناسبين 👇",
        "en": "We're sorry 🙏 {freelancer} can't take your request this time.{reason}\nHere are other freelancers who fit 👇",
    },
    "followup.rejected_reason": {"ar": "\nالسبب: {reason}", "en": "\nReason: {reason}"},
    "followup.expired": {
        "ar": "⏰ انتهت مهلة الـ 24 ساعة لطلبك عند {freelancer} بدون رد. تقدر تختار مستقل آخر 👇",
        "en": "⏰ {freelancer} didn't answer your request within 24 hours. You can choose another freelancer 👇",
    },
    "followup.no_alternatives": {
        "ar": "حالياً ما فيه مستقلين آخرين مناسبين. اكتب «طلب جديد» لتوصف طلبك من جديد.",
        "en": "There are no other suitable freelancers right now. Write \"new request\" to describe it again.",
    },
    "followup.accepted": {
        "ar": "🎉 بشرى سارة! تم قبول طلبك من {freelancer}.\nرابط المحادثة الخاصة: {chat_url}\nالتواصل هناك آمن داخل منصة خدوم، والرابط وصلك على الإيميل أيضاً.",
        "en": "🎉 Good news! {freelancer} accepted your request.\nYour private chat: {chat_url}\nTalk safely inside Khadum there; the link is in your email too.",
    },
    "followup.chat_unread": {
        "ar": "💬 لديك رسالة جديدة من المستقل {freelancer} في محادثتك الخاصة على خدوم:\n{chat_url}",
        "en": "💬 {freelancer} sent you a new message in your private Khadum chat:\n{chat_url}",
    },
    "followup.rating_request": {
        "ar": "⭐ كيف كانت تجربتك مع {freelancer}؟ قيّم التجربة من 1 إلى 5 في صفحة المحادثة، رأيك يهمنا:\n{chat_url}",
        "en": "⭐ How was working with {freelancer}? Rate them 1 to 5 on the chat page, it helps others:\n{chat_url}",
    },
    "followup.details_requested": {
        "ar": "💬 سؤال من {freelancer} عن طلبك:\n«{question}»\n\nاكتب ردك هنا وبيوصل مباشرة.",
        "en": "💬 {freelancer} has a question about your request:\n\"{question}\"\n\nWrite your answer here and I'll pass it on.",
    },
    "details_forwarded": {"ar": "✅ وصل ردك لـ {freelancer}.", "en": "✅ Your answer has been passed to {freelancer}."},
    "details_closed": {
        "ar": "هذا الطلب لم يعد مفتوحاً، فما قدرت أوصل ردك. اكتب «حالة» لمعرفة طلباتك.",
        "en": "That request is no longer open, so I couldn't pass your answer on. Write \"status\" to see your requests.",
    },
    "details_text_only": {
        "ar": "اكتب ردك على سؤال المستقل نصاً لو سمحت ✍️",
        "en": "Please type your answer to the freelancer's question ✍️",
    },
    # -- small talk, answered in kind (khadum/analysis/pleasantries.py) ----------------------
    "smalltalk.salam": {"ar": "وعليكم السلام ورحمة الله وبركاته 🌷", "en": "Wa alaikum assalam 🌷"},
    "smalltalk.greeting": {"ar": "هلا والله 👋", "en": "Hello 👋"},
    "smalltalk.how_are_you": {
        "ar": "بخير الحمد لله، الله يسلمك 🌷",
        "en": "I'm well, thank you for asking 🌷",
    },
    "smalltalk.thanks": {"ar": "العفو، في خدمتك دائماً 🌷", "en": "You're welcome, always happy to help 🌷"},
    "smalltalk.laughter": {"ar": "😄", "en": "😄"},
    "smalltalk.anything_else": {
        "ar": "إذا احتجت أي خدمة ثانية اكتب لي وصفها، وأبشر بالمستقل المناسب 👌",
        "en": "If you need anything else, just describe it and I'll find the right freelancer 👌",
    },
    "choosing_hint": {
        "ar": "اختر المستقل من القائمة «عرض المستقلين»، أو اكتب رقمه (مثل 1 أو «الأول») أو اسمه. ولو تبي تضيف تفاصيل لطلبك اكتبها بجملة كاملة.",
        "en": "Choose a freelancer from \"See freelancers\", or type their number (like 1 or \"first\") or name. To add details to your request, write them in a full sentence.",
    },
    "months": {
        "ar": "يناير فبراير مارس أبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر",
        "en": "January February March April May June July August September October November December",
    },
    "time_am": {"ar": "صباحاً", "en": "AM"},
    "time_pm": {"ar": "مساءً", "en": "PM"},
    "resume": {"ar": "نكمل من حيث وقفنا 👇", "en": "Let's continue where we were 👇"},
    "status_draft": {
        "ar": "📝 وعندك طلب قيد الإعداد لم يُرسل بعد. نكمل من حيث وقفنا 👇",
        "en": "📝 You also have a request in progress, not sent yet. Let's continue where we were 👇",
    },
    # -- reasons shown by `khadum match` ---------------------------------------------
    "reason.category": {"ar": "متخصص في {expertise}", "en": "specialises in {expertise}"},
    "reason.skills": {"ar": "مهارات: {skills}", "en": "skills: {skills}"},
    "reason.rating": {"ar": "تقييم {rating}/5 ({count})", "en": "rated {rating}/5 ({count})"},
    "reason.joiner": {"ar": "، ", "en": "; "},
}

# The phrase that completes "experience in …" for each category.
EXPERTISE: dict[str, dict[str, str]] = {
    "marketing_ads": {"ar": "الإعلانات التسويقية", "en": "marketing ads"},
    "social_media": {"ar": "إدارة وسائل التواصل", "en": "social media"},
    "graphic_design": {"ar": "التصميم الجرافيكي", "en": "graphic design"},
    "video_motion": {"ar": "الفيديو والموشن جرافيك", "en": "video and motion graphics"},
    "photography": {"ar": "التصوير", "en": "photography"},
    "writing_content": {"ar": "كتابة المحتوى", "en": "content writing"},
    "translation": {"ar": "الترجمة", "en": "translation"},
    "web_development": {"ar": "تطوير المواقع", "en": "web development"},
    "mobile_apps": {"ar": "تطبيقات الجوال", "en": "mobile apps"},
    "ui_ux": {"ar": "تصميم الواجهات وتجربة المستخدم", "en": "UI/UX design"},
    "voice_over": {"ar": "التعليق الصوتي", "en": "voice over"},
    "data_entry": {"ar": "إدخال البيانات", "en": "data entry"},
    "business_consulting": {"ar": "استشارات الأعمال", "en": "business consulting"},
    "seo": {"ar": "تحسين محركات البحث", "en": "SEO"},
    "ecommerce": {"ar": "المتاجر الإلكترونية", "en": "e-commerce"},
    "interior_architecture": {"ar": "التصميم الداخلي والمعماري", "en": "interior and architectural design"},
}
for _slug, _phrases in EXPERTISE.items():
    MESSAGES[f"expertise.{_slug}"] = _phrases

# Saudi cities as an English reader knows them (freelancers' cities are stored in Arabic).
CITIES_EN: dict[str, str] = {
    "الرياض": "Riyadh", "جدة": "Jeddah", "مكة المكرمة": "Makkah", "المدينة المنورة": "Madinah",
    "الدمام": "Dammam", "الخبر": "Khobar", "الظهران": "Dhahran", "الأحساء": "Al-Ahsa",
    "القطيف": "Qatif", "الجبيل": "Jubail", "الطائف": "Taif", "أبها": "Abha",
    "خميس مشيط": "Khamis Mushait", "تبوك": "Tabuk", "بريدة": "Buraydah", "عنيزة": "Unaizah",
    "حائل": "Hail", "جازان": "Jazan", "نجران": "Najran", "ينبع": "Yanbu", "سكاكا": "Sakaka",
    "حفر الباطن": "Hafar Al-Batin", "الباحة": "Al-Baha", "عرعر": "Arar",
}


def city_name(city: str | None, language: str) -> str | None:
    """The city in the client's language (the Arabic name when no English one is known)."""
    if not city or language != "en":
        return city
    return CITIES_EN.get(city.strip(), city)


# Approved message templates for the closed 24-hour window: name, body parameters.
TEMPLATES: dict[str, tuple[str, tuple[str, ...]]] = {
    "request_expired": ("khadum_request_expired", ("freelancer",)),
    "request_rejected": ("khadum_request_rejected", ("freelancer",)),
    "request_accepted": ("khadum_request_accepted", ("freelancer", "chat_url")),
    "details_requested": ("khadum_details_requested", ("freelancer", "question")),
    "chat_unread": ("khadum_chat_unread", ("freelancer", "chat_url")),
    "rating_request": ("khadum_rating_request", ("freelancer", "chat_url")),
}
TEMPLATE_LANGUAGE = {"ar": "ar", "en": "en"}


def t(key: str, language: str, **params: object) -> str:
    """The text for `key` in `language` (Arabic when missing), placeholders filled."""
    entry = MESSAGES[key]
    text = entry.get(language) or entry["ar"]
    return text.format(**params) if params else text
