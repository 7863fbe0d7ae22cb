"""Demo freelancer profiles for seeding Khadum (خدوم).

Deterministic, hand-written data: an Arabic-first mix of Saudi freelancers
across every marketplace category. The first entry is the reference
freelancer from the product spec (محمد الغامدي, marketing ad copywriter).
"""

from typing import TypedDict

from khadum.categories import CATEGORY_SLUGS

__all__ = ["CATEGORY_SLUGS", "DEMO_FREELANCERS", "DemoFreelancer", "by_key"]


class DemoFreelancer(TypedDict):
    key: str
    email: str
    display_name: str
    display_name_en: str
    headline: str
    headline_en: str | None
    bio: str
    bio_en: str | None
    categories: list[str]
    skills: list[str]
    languages: list[str]
    city: str
    min_budget_sar: int
    rating: float
    rating_count: int
    completed_projects: int
    availability: str


DEMO_FREELANCERS: tuple[DemoFreelancer, ...] = (
    {
        "key": "mohammed-alghamdi",
        "email": "mohammed-alghamdi@demo.khadum.app",
        "display_name": "محمد الغامدي",
        "display_name_en": "Mohammed Alghamdi",
        "headline": "كاتب إعلانات تسويقية للمنتجات التقنية",
        "headline_en": "Marketing ad copywriter for tech brands",
        "bio": (
            "كاتب إعلانات تسويقية أكتب نصوصاً قصيرة ومقنعة لإعلانات المنتجات التقنية "
            "والأجهزة الذكية، موجّهة لجمهور الشباب في السعودية والخليج. اشتغلت على "
            "حملات إطلاق سماعات وساعات ذكية وتطبيقات، وأهتم بأن يكون النص قريباً من "
            "لغة الشباب بدون ما يفقد احترافيته. أسلّم عادةً عدة نسخ لاختبارات A/B مع "
            "اقتراحات للعناوين."
        ),
        "bio_en": (
            "Ad copywriter focused on tech products and smart devices for a young "
            "Saudi and Gulf audience. I write short, punchy copy for launch campaigns "
            "and social ads, and deliver A/B variants with every brief."
        ),
        "categories": ["marketing_ads", "writing_content", "social_media"],
        "skills": [
            "كتابة إعلانات",
            "إعلانات تسويقية",
            "copywriting",
            "حملات إعلانية",
            "إعلانات سوشيال ميديا",
            "Meta Ads",
            "كتابة سكربتات قصيرة",
        ],
        "languages": ["ar", "en"],
        "city": "الرياض",
        "min_budget_sar": 250,
        "rating": 4.8,
        "rating_count": 142,
        "completed_projects": 168,
        "availability": "available",
    },
    {
        "key": "noura-alqahtani",
        "email": "noura-alqahtani@demo.khadum.app",
        "display_name": "نورة القحطاني",
        "display_name_en": "Noura Alqahtani",
        "headline": "مديرة حملات Google Ads وتحسين معدل التحويل",
        "headline_en": "Google Ads specialist | PPC & conversion",
        "bio": (
            "أدير حملات البحث والتسوق على Google Ads للمتاجر الإلكترونية والعيادات منذ "
            "ست سنوات. أركّز على خفض تكلفة الاكتساب وبناء تقارير واضحة يفهمها صاحب "
            "المشروع. حاصلة على شهادات Google Ads وGoogle Analytics."
        ),
        "bio_en": (
            "Six years running Google Search and Shopping campaigns for e-commerce "
            "stores and clinics. I focus on lowering CPA and building reports that "
            "business owners can actually read."
        ),
        "categories": ["marketing_ads", "seo", "ecommerce"],
        "skills": [
            "Google Ads",
            "PPC",
            "Google Analytics 4",
            "إعلانات البحث",
            "تحسين معدل التحويل",
            "Google Tag Manager",
        ],
        "languages": ["ar", "en"],
        "city": "الرياض",
        "min_budget_sar": 1500,
        "rating": 4.7,
        "rating_count": 96,
        "completed_projects": 110,
        "availability": "limited",
    },
    {
        "key": "fahad-alotaibi",
        "email": "fahad-alotaibi@demo.khadum.app",
        "display_name": "فهد العتيبي",
        "display_name_en": "Fahad Alotaibi",
        "headline": "مستشار استراتيجية علامات تجارية وحملات إطلاق",
        "headline_en": None,
        "bio": (
            "أساعد العلامات التجارية الناشئة على بناء هوية تسويقية واضحة ورسائل "
            "تميّزها في السوق السعودي. عملت سابقاً في وكالة إعلانية بالرياض على حملات "
            "لقطاعي الأغذية والاتصالات. أبدأ كل مشروع بورشة عمل قصيرة لفهم الجمهور "
            "والمنافسين."
        ),
        "bio_en": None,
        "categories": ["marketing_ads", "business_consulting"],
        "skills": [
            "استراتيجية العلامة التجارية",
            "brand strategy",
            "حملات إطلاق",
            "بحث الجمهور",
            "تخطيط إعلامي",
            "positioning",
        ],
        "languages": ["ar", "en"],
        "city": "الرياض",
        "min_budget_sar": 3000,
        "rating": 4.6,
        "rating_count": 58,
        "completed_projects": 64,
        "availability": "available",
    },
    {
        "key": "reem-alshehri",
        "email": "reem-alshehri@demo.khadum.app",
        "display_name": "ريم الشهري",
        "display_name_en": "Reem Alshehri",
        "headline": "كاتبة إعلانات ومحتوى لعلامات التجميل والأزياء",
        "headline_en": "Copywriter for beauty & fashion brands",
        "bio": (
            "أكتب إعلانات ومحتوى تسويقي لعلامات التجميل والأزياء والعطور، بأسلوب دافئ "
            "يخاطب المرأة السعودية. نفّذت حملات موسمية لرمضان واليوم الوطني وموسم "
            "الأعراس. أحب العمل مع المصممين من البداية حتى يطلع النص والصورة بروح "
            "وحدة."
        ),
        "bio_en": None,
        "categories": ["marketing_ads", "writing_content", "social_media"],
        "skills": [
            "كتابة إعلانات",
            "copywriting",
            "حملات موسمية",
            "محتوى انستقرام",
            "تسمية منتجات",
            "brand voice",
        ],
        "languages": ["ar", "en"],
        "city": "جدة",
        "min_budget_sar": 400,
        "rating": 4.7,
        "rating_count": 121,
        "completed_projects": 139,
        "availability": "available",
    },
    {
        "key": "abdullah-aldosari",
        "email": "abdullah-aldosari@demo.khadum.app",
        "display_name": "عبدالله الدوسري",
        "display_name_en": "Abdullah Aldosari",
        "headline": "أخصائي إعلانات سناب شات وتيك توك",
        "headline_en": "Snapchat & TikTok Ads specialist",
        "bio": (
            "متخصص في إطلاق وإدارة الحملات الممولة على سناب شات وتيك توك للمطاعم "
            "والتطبيقات والمتاجر. أتابع الأداء يومياً وأعدّل الاستهداف والميزانيات حسب "
            "النتائج. عندي خبرة جيدة في حملات تحميل التطبيقات داخل السعودية."
        ),
        "bio_en": (
            "I launch and manage paid campaigns on Snapchat and TikTok for "
            "restaurants, apps and online stores, with daily optimisation of targeting "
            "and budgets."
        ),
        "categories": ["marketing_ads", "social_media"],
        "skills": [
            "Snapchat Ads",
            "TikTok Ads",
            "إعلانات ممولة",
            "حملات تحميل التطبيقات",
            "Meta Ads",
            "تحليل الأداء",
        ],
        "languages": ["ar", "en"],
        "city": "الدمام",
        "min_budget_sar": 800,
        "rating": 4.5,
        "rating_count": 74,
        "completed_projects": 88,
        "availability": "available",
    },
    {
        "key": "sara-alzahrani",
        "email": "sara-alzahrani@demo.khadum.app",
        "display_name": "سارة الزهراني",
        "display_name_en": "Sara Alzahrani",
        "headline": "مخططة حملات إعلانية متكاملة للقطاع الصحي",
        "headline_en": None,
        "bio": (
            "أخطط الحملات الإعلانية المتكاملة من الفكرة الإبداعية حتى توزيع الميزانية "
            "على القنوات الرقمية والتقليدية. عملت مع مستشفيات خاصة ومراكز أسنان في جدة "
            "ومكة. أهتم بالالتزام بضوابط الإعلان الصحي في المملكة."
        ),
        "bio_en": None,
        "categories": ["marketing_ads", "business_consulting"],
        "skills": [
            "تخطيط حملات",
            "حملات إعلانية",
            "media planning",
            "إعلانات الطرق",
            "التسويق الصحي",
            "creative brief",
        ],
        "languages": ["ar", "en"],
        "city": "جدة",
        "min_budget_sar": 2000,
        "rating": 4.4,
        "rating_count": 37,
        "completed_projects": 41,
        "availability": "limited",
    },
    {
        "key": "lama-alharbi",
        "email": "lama-alharbi@demo.khadum.app",
        "display_name": "لمى الحربي",
        "display_name_en": "Lama Alharbi",
        "headline": "مديرة حسابات سوشيال ميديا للمطاعم والكافيهات",
        "headline_en": "Social media manager for F&B brands",
        "bio": (
            "أدير حسابات انستقرام وتيك توك وسناب للمطاعم والكافيهات من الخطة الشهرية "
            "حتى الرد على التعليقات. أصوّر بعض المحتوى بنفسي بالجوال وأنسّق مع "
            "المؤثرين المحليين. أغلب عملائي في القصيم والرياض."
        ),
        "bio_en": (
            "I run Instagram, TikTok and Snapchat accounts for restaurants and cafés, "
            "from monthly content plans to community management and influencer "
            "coordination."
        ),
        "categories": ["social_media", "marketing_ads", "photography"],
        "skills": [
            "إدارة حسابات",
            "تخطيط محتوى",
            "Instagram",
            "TikTok",
            "التسويق عبر المؤثرين",
            "Canva",
            "ريلز",
        ],
        "languages": ["ar", "en"],
        "city": "بريدة",
        "min_budget_sar": 1200,
        "rating": 4.6,
        "rating_count": 88,
        "completed_projects": 97,
        "availability": "available",
    },
    {
        "key": "turki-almutairi",
        "email": "turki-almutairi@demo.khadum.app",
        "display_name": "تركي المطيري",
        "display_name_en": "Turki Almutairi",
        "headline": "صانع محتوى وإدارة مجتمعات على إكس وتيك توك",
        "headline_en": None,
        "bio": (
            "أكتب وأنشر محتوى يومياً للحسابات التجارية على إكس وتيك توك، وأتابع "
            "الترندات السعودية أول بأول. أساعد الجهات على بناء مجتمع متفاعل حول "
            "علامتها بدل النشر العشوائي. أقدّم تقرير أداء شهري مبسّط."
        ),
        "bio_en": None,
        "categories": ["social_media", "writing_content"],
        "skills": [
            "إدارة مجتمعات",
            "community management",
            "محتوى إكس",
            "TikTok",
            "ترندات",
            "كتابة تغريدات",
        ],
        "languages": ["ar"],
        "city": "الرياض",
        "min_budget_sar": 600,
        "rating": 4.3,
        "rating_count": 45,
        "completed_projects": 52,
        "availability": "available",
    },
    {
        "key": "hessa-alshammari",
        "email": "hessa-alshammari@demo.khadum.app",
        "display_name": "حصة الشمري",
        "display_name_en": "Hessa Alshammari",
        "headline": "استراتيجية سوشيال ميديا وتقارير أداء",
        "headline_en": "Social media strategist & analytics",
        "bio": (
            "أضع استراتيجيات المحتوى للحسابات التجارية وأحوّل الأرقام إلى قرارات "
            "واضحة. أستخدم أدوات مثل Sprout Social وMeta Business Suite لتحليل الجمهور "
            "والتفاعل. عملت مع جهات حكومية وغير ربحية في حائل والرياض."
        ),
        "bio_en": None,
        "categories": ["social_media", "marketing_ads", "business_consulting"],
        "skills": [
            "استراتيجية محتوى",
            "social media strategy",
            "Meta Business Suite",
            "Sprout Social",
            "تحليل البيانات",
            "تقارير أداء",
        ],
        "languages": ["ar", "en"],
        "city": "حائل",
        "min_budget_sar": 2500,
        "rating": 4.8,
        "rating_count": 39,
        "completed_projects": 44,
        "availability": "limited",
    },
    {
        "key": "abdulrahman-alanazi",
        "email": "abdulrahman-alanazi@demo.khadum.app",
        "display_name": "عبدالرحمن العنزي",
        "display_name_en": "Abdulrahman Alanazi",
        "headline": "إدارة حسابات سناب شات وتغطيات مباشرة",
        "headline_en": None,
        "bio": (
            "أغطي الفعاليات والافتتاحات على سناب شات بشكل مباشر وأدير حسابات المحلات "
            "في المنطقة الشمالية. عندي شبكة علاقات طيبة مع مشاهير السناب في تبوك "
            "والجوف. أسعاري مرنة للمشاريع الصغيرة."
        ),
        "bio_en": None,
        "categories": ["social_media", "video_motion"],
        "skills": [
            "Snapchat",
            "تغطية فعاليات",
            "إدارة حسابات",
            "تصوير بالجوال",
            "مونتاج CapCut",
        ],
        "languages": ["ar"],
        "city": "تبوك",
        "min_budget_sar": 300,
        "rating": 4.2,
        "rating_count": 27,
        "completed_projects": 35,
        "availability": "available",
    },
    {
        "key": "dana-alsubaie",
        "email": "dana-alsubaie@demo.khadum.app",
        "display_name": "دانة السبيعي",
        "display_name_en": "Dana Alsubaie",
        "headline": "محتوى انستقرام وتيك توك لعلامات الأطفال والأمهات",
        "headline_en": "Instagram & TikTok content for family brands",
        "bio": (
            "أصمم وأكتب محتوى انستقرام وتيك توك لمتاجر منتجات الأطفال والأمهات بأسلوب "
            "قريب وعفوي. أجهّز تقويم محتوى شهري مع التصاميم والكابشن والهاشتاقات. "
            "أشتغل عن بُعد من الخبر ومتاحة للاجتماعات المرئية."
        ),
        "bio_en": None,
        "categories": ["social_media", "graphic_design", "writing_content"],
        "skills": [
            "تقويم محتوى",
            "Canva",
            "كتابة كابشن",
            "Instagram",
            "Reels",
            "هاشتاقات",
        ],
        "languages": ["ar", "en"],
        "city": "الخبر",
        "min_budget_sar": 450,
        "rating": 4.5,
        "rating_count": 63,
        "completed_projects": 70,
        "availability": "available",
    },
    {
        "key": "khalid-alrashidi",
        "email": "khalid-alrashidi@demo.khadum.app",
        "display_name": "خالد الرشيدي",
        "display_name_en": "Khalid Alrashidi",
        "headline": "مصمم هويات بصرية وشعارات",
        "headline_en": "Brand identity & logo designer",
        "bio": (
            "أصمم الهويات البصرية والشعارات للمشاريع الناشئة بأسلوب يجمع بين الحداثة "
            "والطابع المحلي. أسلّم دليل هوية كاملاً يشمل الألوان والخطوط وتطبيقات "
            "الهوية. صممت أكثر من مئة هوية لمقاهٍ ومتاجر وشركات تقنية."
        ),
        "bio_en": (
            "I design visual identities and logos for startups, blending a modern "
            "style with a local touch. Every project ships with a full brand "
            "guideline."
        ),
        "categories": ["graphic_design", "marketing_ads"],
        "skills": [
            "هوية بصرية",
            "تصميم شعارات",
            "Adobe Illustrator",
            "brand guidelines",
            "Photoshop",
            "تايبوغرافي عربي",
        ],
        "languages": ["ar", "en"],
        "city": "الرياض",
        "min_budget_sar": 1800,
        "rating": 4.9,
        "rating_count": 167,
        "completed_projects": 185,
        "availability": "limited",
    },
    {
        "key": "amal-aljohani",
        "email": "amal-aljohani@demo.khadum.app",
        "display_name": "أمل الجهني",
        "display_name_en": "Amal Aljohani",
        "headline": "مصممة سوشيال ميديا ومطبوعات",
        "headline_en": None,
        "bio": (
            "أصمم منشورات السوشيال ميديا والمطبوعات مثل البروشورات والمنيوهات "
            "والبوسترات. أحرص على تسليم الملفات بصيغ جاهزة للطباعة والنشر. مقيمة في "
            "المدينة المنورة وأتعامل مع مطابع محلية."
        ),
        "bio_en": None,
        "categories": ["graphic_design", "social_media"],
        "skills": [
            "تصميم منشورات",
            "Photoshop",
            "Illustrator",
            "تصميم منيو",
            "مطبوعات",
            "Canva",
        ],
        "languages": ["ar"],
        "city": "المدينة المنورة",
        "min_budget_sar": 150,
        "rating": 4.4,
        "rating_count": 210,
        "completed_projects": 236,
        "availability": "available",
    },
    {
        "key": "yousef-alblawi",
        "email": "yousef-alblawi@demo.khadum.app",
        "display_name": "يوسف البلوي",
        "display_name_en": "Yousef Alblawi",
        "headline": "رسام رقمي ومصمم شخصيات",
        "headline_en": "Digital illustrator & character designer",
        "bio": (
            "أرسم شخصيات ورسومات رقمية لكتب الأطفال والألعاب والحملات الإعلانية. "
            "أستخدم Procreate وAdobe Fresco وأقدّم اسكتشات أولية قبل التلوين. يهمني "
            "إبراز الطابع السعودي في الملابس والتفاصيل."
        ),
        "bio_en": (
            "I create characters and digital illustrations for children's books, games "
            "and ad campaigns, with a focus on authentic Saudi details."
        ),
        "categories": ["graphic_design", "video_motion"],
        "skills": [
            "رسم رقمي",
            "Procreate",
            "character design",
            "illustration",
            "Adobe Fresco",
            "ستوري بورد",
        ],
        "languages": ["ar", "en"],
        "city": "تبوك",
        "min_budget_sar": 700,
        "rating": 4.7,
        "rating_count": 54,
        "completed_projects": 60,
        "availability": "available",
    },
    {
        "key": "maha-alamri",
        "email": "maha-alamri@demo.khadum.app",
        "display_name": "مها العمري",
        "display_name_en": "Maha Alamri",
        "headline": "مصممة تغليف وملصقات منتجات",
        "headline_en": None,
        "bio": (
            "متخصصة في تصميم التغليف وملصقات المنتجات للقهوة والتمور والعطور. أجهّز "
            "التصاميم بمقاسات المصنع وأتابع مع المطبعة عند الحاجة. أحب أن يحكي التغليف "
            "قصة المنتج من أول نظرة."
        ),
        "bio_en": None,
        "categories": ["graphic_design", "ecommerce"],
        "skills": [
            "تصميم تغليف",
            "packaging design",
            "Illustrator",
            "ملصقات منتجات",
            "موك أب",
            "تجهيز للطباعة",
        ],
        "languages": ["ar"],
        "city": "الطائف",
        "min_budget_sar": 900,
        "rating": 4.6,
        "rating_count": 41,
        "completed_projects": 47,
        "availability": "available",
    },
    {
        "key": "omar-alsulami",
        "email": "omar-alsulami@demo.khadum.app",
        "display_name": "عمر السلمي",
        "display_name_en": "Omar Alsulami",
        "headline": "مصمم إنفوجرافيك وعروض تقديمية",
        "headline_en": None,
        "bio": (
            "أحوّل البيانات والتقارير إلى إنفوجرافيك وعروض تقديمية واضحة وجذابة. صممت "
            "عروض مستثمرين لشركات ناشئة وتقارير سنوية لجهات غير ربحية. أشتغل على "
            "PowerPoint وKeynote وGoogle Slides."
        ),
        "bio_en": None,
        "categories": ["graphic_design", "business_consulting"],
        "skills": [
            "إنفوجرافيك",
            "pitch deck",
            "PowerPoint",
            "Keynote",
            "عروض تقديمية",
            "تصميم تقارير",
        ],
        "languages": ["ar", "en"],
        "city": "مكة المكرمة",
        "min_budget_sar": 500,
        "rating": 4.5,
        "rating_count": 77,
        "completed_projects": 83,
        "availability": "unavailable",
    },
    {
        "key": "faisal-almalki",
        "email": "faisal-almalki@demo.khadum.app",
        "display_name": "فيصل المالكي",
        "display_name_en": "Faisal Almalki",
        "headline": "موشن جرافيك وفيديوهات شرح للتطبيقات",
        "headline_en": "Motion graphics & explainer videos",
        "bio": (
            "أصمم فيديوهات موشن جرافيك تشرح الخدمات والتطبيقات بطريقة بسيطة وممتعة. "
            "أتولى السكربت والستوري بورد والتحريك، وأنسّق التعليق الصوتي مع معلقين "
            "محترفين. مدة التسليم المعتادة أسبوعان للفيديو الواحد."
        ),
        "bio_en": (
            "I produce motion graphics explainer videos for apps and services, "
            "covering script, storyboard, animation and voice-over coordination."
        ),
        "categories": ["video_motion", "graphic_design", "marketing_ads"],
        "skills": [
            "موشن جرافيك",
            "After Effects",
            "فيديو شرح",
            "explainer video",
            "ستوري بورد",
            "Illustrator",
        ],
        "languages": ["ar", "en"],
        "city": "جدة",
        "min_budget_sar": 2500,
        "rating": 4.8,
        "rating_count": 92,
        "completed_projects": 101,
        "availability": "available",
    },
    {
        "key": "bader-alyami",
        "email": "bader-alyami@demo.khadum.app",
        "display_name": "بدر اليامي",
        "display_name_en": "Bader Alyami",
        "headline": "مونتير فيديوهات يوتيوب وبودكاست",
        "headline_en": None,
        "bio": (
            "أمنتج حلقات يوتيوب والبودكاست وأقطّعها إلى مقاطع قصيرة للريلز وتيك توك. "
            "أشتغل على Premiere Pro وDaVinci Resolve مع تصحيح الألوان والصوت. تعاملت "
            "مع عدة بودكاستات سعودية معروفة."
        ),
        "bio_en": None,
        "categories": ["video_motion", "social_media"],
        "skills": [
            "مونتاج",
            "Premiere Pro",
            "DaVinci Resolve",
            "تصحيح ألوان",
            "مقاطع قصيرة",
            "podcast editing",
        ],
        "languages": ["ar"],
        "city": "نجران",
        "min_budget_sar": 400,
        "rating": 4.6,
        "rating_count": 133,
        "completed_projects": 150,
        "availability": "available",
    },
    {
        "key": "joud-alshahrani",
        "email": "joud-alshahrani@demo.khadum.app",
        "display_name": "جود الشهراني",
        "display_name_en": "Joud Alshahrani",
        "headline": "تحريك ثنائي الأبعاد وشخصيات كرتونية",
        "headline_en": "2D character animator",
        "bio": (
            "أحرّك الشخصيات الكرتونية ثنائية الأبعاد للإعلانات ومحتوى الأطفال "
            "التعليمي. أستخدم Adobe Animate وToon Boom وأهتم بتفاصيل تعابير الوجه "
            "والحركة. أقدر أشتغل على الرسم والتحريك معاً أو أستلم رسومات جاهزة."
        ),
        "bio_en": None,
        "categories": ["video_motion", "graphic_design"],
        "skills": [
            "2D animation",
            "Toon Boom",
            "Adobe Animate",
            "تحريك شخصيات",
            "رسوم متحركة",
            "lip sync",
        ],
        "languages": ["ar", "en"],
        "city": "أبها",
        "min_budget_sar": 1500,
        "rating": 4.7,
        "rating_count": 29,
        "completed_projects": 31,
        "availability": "limited",
    },
    {
        "key": "saud-alharthi",
        "email": "saud-alharthi@demo.khadum.app",
        "display_name": "سعود الحارثي",
        "display_name_en": "Saud Alharthi",
        "headline": "تصوير وإخراج إعلانات تجارية قصيرة",
        "headline_en": None,
        "bio": (
            "أصوّر وأخرج الإعلانات التجارية القصيرة للمطاعم والعقارات والسيارات بمعدات "
            "سينمائية. عندي فريق صغير للإضاءة والصوت ونغطي الطائف ومكة وجدة. أسلّم "
            "نسخاً مخصصة لكل منصة بأبعادها الصحيحة."
        ),
        "bio_en": None,
        "categories": ["video_motion", "photography", "marketing_ads"],
        "skills": [
            "إخراج إعلانات",
            "تصوير سينمائي",
            "Sony FX3",
            "Premiere Pro",
            "تصوير درون",
            "color grading",
        ],
        "languages": ["ar"],
        "city": "الطائف",
        "min_budget_sar": 4000,
        "rating": 4.5,
        "rating_count": 22,
        "completed_projects": 25,
        "availability": "available",
    },
    {
        "key": "lina-alhazmi",
        "email": "lina-alhazmi@demo.khadum.app",
        "display_name": "لينا الحازمي",
        "display_name_en": "Lina Alhazmi",
        "headline": "فيديوهات ريلز وتيك توك للعلامات التجارية",
        "headline_en": "Short-form video creator for brands",
        "bio": (
            "أصنع فيديوهات قصيرة سريعة الإيقاع للعلامات التجارية على ريلز وتيك توك "
            "وسناب. أكتب الفكرة وأصوّر وأمنتج بالجوال أو الكاميرا حسب الميزانية. هدفي "
            "دائماً أن يشدّ الفيديو المشاهد في أول ثلاث ثوانٍ."
        ),
        "bio_en": (
            "I create fast-paced short-form videos for brands on Reels, TikTok and "
            "Snapchat, from concept to shoot and edit, built to hook viewers in the "
            "first three seconds."
        ),
        "categories": ["video_motion", "social_media", "marketing_ads"],
        "skills": ["UGC", "ريلز", "TikTok", "CapCut", "مونتاج", "كتابة سكربتات قصيرة"],
        "languages": ["ar", "en"],
        "city": "جازان",
        "min_budget_sar": 350,
        "rating": 4.4,
        "rating_count": 68,
        "completed_projects": 79,
        "availability": "available",
    },
    {
        "key": "nawaf-albuqami",
        "email": "nawaf-albuqami@demo.khadum.app",
        "display_name": "نواف البقمي",
        "display_name_en": "Nawaf Albuqami",
        "headline": "مصور منتجات وأطعمة للمتاجر والمطاعم",
        "headline_en": "Product & food photographer",
        "bio": (
            "أصوّر المنتجات والأطباق للمتاجر الإلكترونية والمطاعم في استوديو مجهّز "
            "بالرياض. أقدّم تعديل الصور وإزالة الخلفيات وتجهيزها لمنصات مثل سلة وزد. "
            "أقدر أصوّر في موقع العميل عند الحاجة."
        ),
        "bio_en": None,
        "categories": ["photography", "ecommerce"],
        "skills": [
            "تصوير منتجات",
            "تصوير أطعمة",
            "Lightroom",
            "Photoshop",
            "إزالة خلفيات",
            "product photography",
        ],
        "languages": ["ar", "en"],
        "city": "الرياض",
        "min_budget_sar": 600,
        "rating": 4.7,
        "rating_count": 149,
        "completed_projects": 171,
        "availability": "available",
    },
    {
        "key": "ghada-alqarni",
        "email": "ghada-alqarni@demo.khadum.app",
        "display_name": "غادة القرني",
        "display_name_en": "Ghada Alqarni",
        "headline": "مصورة مناسبات نسائية وأعراس",
        "headline_en": None,
        "bio": (
            "أصوّر حفلات الأعراس والمناسبات النسائية بأسلوب طبيعي يلتقط اللحظات "
            "العفوية. أحترم خصوصية العائلات وأسلّم الصور في ألبوم إلكتروني خاص. الحجز "
            "في موسم الصيف يكون قبلها بفترة كافية."
        ),
        "bio_en": None,
        "categories": ["photography"],
        "skills": [
            "تصوير مناسبات",
            "تصوير أعراس",
            "Lightroom",
            "تصوير بورتريه",
            "ألبومات",
            "Canon",
        ],
        "languages": ["ar"],
        "city": "خميس مشيط",
        "min_budget_sar": 2000,
        "rating": 4.9,
        "rating_count": 88,
        "completed_projects": 92,
        "availability": "limited",
    },
    {
        "key": "mansour-alshathri",
        "email": "mansour-alshathri@demo.khadum.app",
        "display_name": "منصور الشثري",
        "display_name_en": "Mansour Alshathri",
        "headline": "مصور معماري وعقاري",
        "headline_en": "Architectural & real estate photographer",
        "bio": (
            "أصوّر المشاريع العقارية والفلل والمكاتب بتقنيات HDR والتصوير الجوي. أعمل "
            "مع مكاتب التصميم الداخلي والمطورين العقاريين لتوثيق المشاريع بعد التنفيذ. "
            "أقدّم أيضاً جولات افتراضية بزاوية 360 درجة."
        ),
        "bio_en": (
            "I photograph real estate, villas and offices using HDR and drone "
            "techniques, and offer 360° virtual tours for developers and interior "
            "studios."
        ),
        "categories": ["photography", "interior_architecture", "video_motion"],
        "skills": [
            "تصوير معماري",
            "real estate photography",
            "تصوير درون",
            "HDR",
            "جولات 360",
            "Lightroom",
        ],
        "languages": ["ar", "en"],
        "city": "الرياض",
        "min_budget_sar": 1200,
        "rating": 4.6,
        "rating_count": 51,
        "completed_projects": 57,
        "availability": "available",
    },
    {
        "key": "rahaf-baashan",
        "email": "rahaf-baashan@demo.khadum.app",
        "display_name": "رهف باعشن",
        "display_name_en": "Rahaf Baashan",
        "headline": "مصورة بورتريه وصور مهنية للأعمال",
        "headline_en": None,
        "bio": (
            "أصوّر صور البروفايل المهنية لرواد الأعمال والموظفين وصفحات فريق العمل في "
            "المواقع. أوفّر جلسات في الاستوديو أو في مقر الشركة مع تعديل احترافي "
            "للصور. مقيمة في جدة وأغطي مكة ورابغ."
        ),
        "bio_en": None,
        "categories": ["photography", "graphic_design"],
        "skills": [
            "تصوير بورتريه",
            "صور شخصية",
            "headshots",
            "Lightroom",
            "Photoshop",
            "إضاءة استوديو",
        ],
        "languages": ["ar", "en"],
        "city": "جدة",
        "min_budget_sar": 450,
        "rating": 4.3,
        "rating_count": 34,
        "completed_projects": 40,
        "availability": "available",
    },
    {
        "key": "abeer-alkhaldi",
        "email": "abeer-alkhaldi@demo.khadum.app",
        "display_name": "عبير الخالدي",
        "display_name_en": "Abeer Alkhaldi",
        "headline": "كاتبة محتوى ومقالات للمواقع والمدونات",
        "headline_en": "Arabic content writer & blogger",
        "bio": (
            "أكتب مقالات ومحتوى مواقع متوافقاً مع محركات البحث في مجالات التقنية "
            "والصحة والسفر. ألتزم بلغة عربية سليمة وسهلة تناسب القارئ السعودي. أسلّم "
            "المقالات مع العناوين الفرعية والوصف التعريفي."
        ),
        "bio_en": None,
        "categories": ["writing_content", "seo"],
        "skills": [
            "كتابة مقالات",
            "كتابة محتوى",
            "SEO writing",
            "تدقيق لغوي",
            "WordPress",
            "بحث الكلمات المفتاحية",
        ],
        "languages": ["ar", "en"],
        "city": "الدمام",
        "min_budget_sar": 200,
        "rating": 4.6,
        "rating_count": 187,
        "completed_projects": 214,
        "availability": "available",
    },
    {
        "key": "majed-alahmadi",
        "email": "majed-alahmadi@demo.khadum.app",
        "display_name": "ماجد الأحمدي",
        "display_name_en": "Majed Alahmadi",
        "headline": "كاتب سيناريو للإعلانات والأفلام القصيرة",
        "headline_en": "Scriptwriter for ads & short films",
        "bio": (
            "أكتب سيناريوهات الإعلانات والأفلام القصيرة والمحتوى الدرامي على يوتيوب. "
            "شاركت في كتابة حلقات لمسلسل ويب سعودي وعدة إعلانات رمضانية. أحب الحوار "
            "القريب من اللهجة السعودية مع قصة مشدودة من أول مشهد."
        ),
        "bio_en": (
            "I write scripts for commercials, short films and YouTube drama, including "
            "Ramadan ad campaigns and a Saudi web series."
        ),
        "categories": ["writing_content", "video_motion", "marketing_ads"],
        "skills": [
            "كتابة سيناريو",
            "scriptwriting",
            "قصص إعلانية",
            "storytelling",
            "حوار باللهجة السعودية",
            "ستوري بورد",
        ],
        "languages": ["ar", "en"],
        "city": "المدينة المنورة",
        "min_budget_sar": 1500,
        "rating": 4.7,
        "rating_count": 43,
        "completed_projects": 46,
        "availability": "limited",
    },
    {
        "key": "asma-alasiri",
        "email": "asma-alasiri@demo.khadum.app",
        "display_name": "أسماء العسيري",
        "display_name_en": "Asma Alasiri",
        "headline": "مدققة لغوية ومحررة كتب ورسائل علمية",
        "headline_en": None,
        "bio": (
            "أدقق وأحرر الكتب والرسائل العلمية والتقارير المؤسسية لغوياً وإملائياً. "
            "خريجة لغة عربية من جامعة الملك خالد ولي خبرة عشر سنوات في التحرير. أراعي "
            "أسلوب الكاتب وأقترح التعديلات بوضوح."
        ),
        "bio_en": None,
        "categories": ["writing_content", "translation"],
        "skills": [
            "تدقيق لغوي",
            "تحرير",
            "proofreading",
            "رسائل علمية",
            "Microsoft Word",
            "الإملاء والنحو",
        ],
        "languages": ["ar"],
        "city": "أبها",
        "min_budget_sar": 300,
        "rating": 4.9,
        "rating_count": 124,
        "completed_projects": 140,
        "availability": "available",
    },
    {
        "key": "ziyad-alfaifi",
        "email": "ziyad-alfaifi@demo.khadum.app",
        "display_name": "زياد الفيفي",
        "display_name_en": "Ziyad Alfaifi",
        "headline": "كاتب محتوى تقني وتوثيق منتجات SaaS",
        "headline_en": "Tech writer for SaaS & product docs",
        "bio": (
            "أكتب المحتوى التقني وأدلة الاستخدام وصفحات المساعدة لشركات البرمجيات. "
            "أحوّل المواصفات المعقدة إلى نصوص يفهمها المستخدم العادي بالعربي "
            "والإنجليزي. عملت مع شركات تقنية مالية في الرياض."
        ),
        "bio_en": (
            "I write technical content, user guides and help-center articles for "
            "software companies, in both Arabic and English."
        ),
        "categories": ["writing_content", "translation", "web_development"],
        "skills": [
            "technical writing",
            "توثيق",
            "UX writing",
            "كتابة محتوى تقني",
            "Markdown",
            "Notion",
        ],
        "languages": ["ar", "en"],
        "city": "جازان",
        "min_budget_sar": 700,
        "rating": 4.5,
        "rating_count": 38,
        "completed_projects": 42,
        "availability": "available",
    },
    {
        "key": "hanan-althaqafi",
        "email": "hanan-althaqafi@demo.khadum.app",
        "display_name": "حنان الثقفي",
        "display_name_en": "Hanan Althaqafi",
        "headline": "كتابة قصص أطفال ومحتوى إبداعي",
        "headline_en": None,
        "bio": (
            "أكتب القصص للأطفال والمحتوى الإبداعي للعلامات التي تخاطب الأسرة. صدرت لي "
            "ثلاث قصص مطبوعة وأتعاون مع رسامين لإخراج الكتب. أهتم بالقيم والخيال في "
            "نفس الوقت."
        ),
        "bio_en": None,
        "categories": ["writing_content"],
        "skills": [
            "قصص أطفال",
            "كتابة إبداعية",
            "creative writing",
            "تأليف",
            "كتابة محتوى",
            "storytelling",
        ],
        "languages": ["ar"],
        "city": "الطائف",
        "min_budget_sar": 500,
        "rating": 4.8,
        "rating_count": 19,
        "completed_projects": 21,
        "availability": "unavailable",
    },
    {
        "key": "ayesha-siddiqui",
        "email": "ayesha-siddiqui@demo.khadum.app",
        "display_name": "عائشة صديقي",
        "display_name_en": "Ayesha Siddiqui",
        "headline": "مترجمة عربي - إنجليزي - أردو",
        "headline_en": "Arabic–English–Urdu translator",
        "bio": (
            "وُلدت ونشأت في جدة وأترجم بين العربية والإنجليزية والأردية. أترجم أدلة "
            "الموظفين والعقود ومواد التوعية للشركات والمصانع. أحرص على الدقة ومراعاة "
            "الفروق الثقافية بين الجمهورين."
        ),
        "bio_en": (
            "Born and raised in Jeddah, I translate between Arabic, English and Urdu: "
            "employee handbooks, contracts and awareness materials."
        ),
        "categories": ["translation", "writing_content"],
        "skills": [
            "ترجمة",
            "Urdu translation",
            "ترجمة عقود",
            "localization",
            "Trados",
            "تدقيق ترجمة",
        ],
        "languages": ["ar", "en", "ur"],
        "city": "جدة",
        "min_budget_sar": 250,
        "rating": 4.7,
        "rating_count": 82,
        "completed_projects": 90,
        "availability": "available",
    },
    {
        "key": "yasmin-alhaddad",
        "email": "yasmin-alhaddad@demo.khadum.app",
        "display_name": "ياسمين الحداد",
        "display_name_en": "Yasmin Alhaddad",
        "headline": "مترجمة فرنسي وإنجليزي وتوطين محتوى",
        "headline_en": "French & English translator, localization",
        "bio": (
            "أترجم من الفرنسية والإنجليزية إلى العربية في مجالات السياحة والأزياء "
            "والتجميل. درست الترجمة في بيروت وأقيم في الرياض منذ سنوات. أهتم بتوطين "
            "النص ليناسب الجمهور السعودي وليس مجرد نقله حرفياً."
        ),
        "bio_en": (
            "I translate from French and English into Arabic for tourism, fashion and "
            "beauty brands, localizing copy for a Saudi audience rather than "
            "translating word for word."
        ),
        "categories": ["translation", "writing_content", "marketing_ads"],
        "skills": [
            "ترجمة فرنسي",
            "توطين",
            "localization",
            "transcreation",
            "memoQ",
            "ترجمة تسويقية",
        ],
        "languages": ["ar", "en", "fr"],
        "city": "الرياض",
        "min_budget_sar": 400,
        "rating": 4.6,
        "rating_count": 57,
        "completed_projects": 63,
        "availability": "available",
    },
    {
        "key": "hamad-alsudairi",
        "email": "hamad-alsudairi@demo.khadum.app",
        "display_name": "حمد السديري",
        "display_name_en": "Hamad Alsudairi",
        "headline": "مترجم قانوني معتمد",
        "headline_en": "Certified legal translator",
        "bio": (
            "مترجم قانوني معتمد أترجم العقود والأحكام والمستندات الرسمية للشركات "
            "ومكاتب المحاماة. خبرتي أكثر من اثني عشر عاماً مع التزام تام بالسرية. "
            "أقدّم ترجمة مختومة عند الطلب."
        ),
        "bio_en": None,
        "categories": ["translation", "business_consulting"],
        "skills": [
            "ترجمة قانونية",
            "legal translation",
            "ترجمة معتمدة",
            "عقود",
            "Trados",
            "مصطلحات قانونية",
        ],
        "languages": ["ar", "en"],
        "city": "الرياض",
        "min_budget_sar": 800,
        "rating": 4.8,
        "rating_count": 203,
        "completed_projects": 245,
        "availability": "limited",
    },
    {
        "key": "nouf-alruwaili",
        "email": "nouf-alruwaili@demo.khadum.app",
        "display_name": "نوف الرويلي",
        "display_name_en": "Nouf Alruwaili",
        "headline": "ترجمة الفيديوهات وإعداد السبتايتل",
        "headline_en": None,
        "bio": (
            "أترجم الفيديوهات وأجهّز ملفات الترجمة المرئية لليوتيوب والدورات التعليمية "
            "والأفلام الوثائقية. أضبط التوقيت بدقة وأسلّم ملفات SRT جاهزة للرفع. أشتغل "
            "بسرعة على المشاريع القصيرة."
        ),
        "bio_en": None,
        "categories": ["translation", "video_motion"],
        "skills": [
            "سبتايتل",
            "subtitling",
            "ترجمة فيديو",
            "Subtitle Edit",
            "SRT",
            "تفريغ صوتي",
        ],
        "languages": ["ar", "en"],
        "city": "سكاكا",
        "min_budget_sar": 150,
        "rating": 4.4,
        "rating_count": 96,
        "completed_projects": 118,
        "availability": "available",
    },
    {
        "key": "sultan-alshamrani",
        "email": "sultan-alshamrani@demo.khadum.app",
        "display_name": "سلطان الشمراني",
        "display_name_en": "Sultan Alshamrani",
        "headline": "مطور ويب Full-stack بـ Django وReact",
        "headline_en": "Full-stack web developer (Django, React)",
        "bio": (
            "أطوّر مواقع وأنظمة ويب متكاملة باستخدام Django وReact وPostgreSQL. بنيت "
            "لوحات تحكم وأنظمة حجوزات لشركات ناشئة في الرياض، وأهتم بالأداء ودعم "
            "العربية والاتجاه من اليمين لليسار. أقدّم دعماً فنياً لمدة شهر بعد "
            "التسليم."
        ),
        "bio_en": (
            "Full-stack developer building web apps with Django, React and PostgreSQL: "
            "dashboards and booking systems with proper Arabic/RTL support."
        ),
        "categories": ["web_development", "ui_ux"],
        "skills": [
            "Django",
            "React",
            "PostgreSQL",
            "Python",
            "REST APIs",
            "دعم RTL",
            "Docker",
        ],
        "languages": ["ar", "en"],
        "city": "الرياض",
        "min_budget_sar": 5000,
        "rating": 4.9,
        "rating_count": 61,
        "completed_projects": 66,
        "availability": "limited",
    },
    {
        "key": "raghad-alsahli",
        "email": "raghad-alsahli@demo.khadum.app",
        "display_name": "رغد السهلي",
        "display_name_en": "Raghad Alsahli",
        "headline": "مطورة مواقع ووردبريس للشركات والجمعيات",
        "headline_en": None,
        "bio": (
            "أصمم وأطوّر مواقع ووردبريس للشركات الصغيرة والجمعيات الخيرية بقوالب "
            "مخصصة. أهتم بسرعة الموقع وتوافقه مع الجوال وسهولة إدارته من العميل. أقدّم "
            "تدريباً قصيراً على لوحة التحكم بعد التسليم."
        ),
        "bio_en": None,
        "categories": ["web_development", "ecommerce", "seo"],
        "skills": [
            "WordPress",
            "Elementor",
            "WooCommerce",
            "تصميم مواقع",
            "سرعة المواقع",
            "PHP",
        ],
        "languages": ["ar"],
        "city": "الدمام",
        "min_budget_sar": 1200,
        "rating": 4.5,
        "rating_count": 72,
        "completed_projects": 80,
        "availability": "available",
    },
    {
        "key": "ahmed-mansour",
        "email": "ahmed-mansour@demo.khadum.app",
        "display_name": "أحمد منصور",
        "display_name_en": "Ahmed Mansour",
        "headline": "مطور Backend وتكاملات بوابات الدفع",
        "headline_en": "Backend developer | payments & APIs",
        "bio": (
            "مطور Backend مقيم في جدة منذ عشر سنوات، متخصص في Node.js وLaravel وتكامل "
            "بوابات الدفع المحلية مثل مدى وApple Pay وتمارا. بنيت واجهات برمجية "
            "لتطبيقات توصيل ومتاجر إلكترونية. أكتب كوداً موثقاً وقابلاً للصيانة."
        ),
        "bio_en": (
            "Jeddah-based backend developer specialising in Node.js, Laravel and local "
            "payment gateway integrations (mada, Apple Pay, Tamara)."
        ),
        "categories": ["web_development", "ecommerce", "mobile_apps"],
        "skills": [
            "Node.js",
            "Laravel",
            "بوابات الدفع",
            "REST APIs",
            "MySQL",
            "تكامل الأنظمة",
        ],
        "languages": ["ar", "en"],
        "city": "جدة",
        "min_budget_sar": 3000,
        "rating": 4.7,
        "rating_count": 84,
        "completed_projects": 93,
        "availability": "available",
    },
    {
        "key": "mishari-alrashed",
        "email": "mishari-alrashed@demo.khadum.app",
        "display_name": "مشاري الراشد",
        "display_name_en": "Mishari Alrashed",
        "headline": "مطور واجهات أمامية Next.js",
        "headline_en": None,
        "bio": (
            "أحوّل تصاميم Figma إلى واجهات ويب سريعة ومتجاوبة باستخدام Next.js "
            "وTailwind. أهتم بإمكانية الوصول والدعم الكامل للعربية. أشتغل عادةً مع فرق "
            "التصميم في الشركات الناشئة."
        ),
        "bio_en": None,
        "categories": ["web_development", "ui_ux"],
        "skills": [
            "Next.js",
            "TypeScript",
            "Tailwind CSS",
            "Figma to code",
            "واجهات أمامية",
            "accessibility",
        ],
        "languages": ["ar", "en"],
        "city": "الخبر",
        "min_budget_sar": 2000,
        "rating": 4.6,
        "rating_count": 33,
        "completed_projects": 36,
        "availability": "available",
    },
    {
        "key": "waad-aldakhil",
        "email": "waad-aldakhil@demo.khadum.app",
        "display_name": "وعد الدخيل",
        "display_name_en": "Waad Aldakhil",
        "headline": "مطورة بايثون لأتمتة المهام وسحب البيانات",
        "headline_en": "Python automation & web scraping",
        "bio": (
            "أكتب سكربتات بايثون لأتمتة المهام المتكررة وسحب البيانات من المواقع وربط "
            "الأنظمة ببعضها. ساعدت شركات على توفير ساعات عمل يومياً بتقارير تلقائية "
            "على Google Sheets. أسلّم الكود مع شرح مبسّط لطريقة التشغيل."
        ),
        "bio_en": None,
        "categories": ["web_development", "data_entry"],
        "skills": [
            "Python",
            "أتمتة",
            "web scraping",
            "Google Sheets API",
            "Selenium",
            "Pandas",
        ],
        "languages": ["ar", "en"],
        "city": "عنيزة",
        "min_budget_sar": 900,
        "rating": 4.8,
        "rating_count": 26,
        "completed_projects": 28,
        "availability": "available",
    },
    {
        "key": "hisham-alzahrani",
        "email": "hisham-alzahrani@demo.khadum.app",
        "display_name": "هشام الزهراني",
        "display_name_en": "Hisham Alzahrani",
        "headline": "مطور تطبيقات Flutter لأندرويد وiOS",
        "headline_en": "Flutter developer for Android & iOS",
        "bio": (
            "أطوّر تطبيقات الجوال بـ Flutter من الفكرة حتى النشر على متجري Apple "
            "وGoogle. نفّذت تطبيقات توصيل وحجوزات وتطبيقات لجمعيات خيرية. أهتم بتجربة "
            "المستخدم العربية وسرعة التطبيق."
        ),
        "bio_en": (
            "I build Flutter apps from idea to App Store and Google Play release: "
            "delivery, booking and non-profit apps with a polished Arabic UX."
        ),
        "categories": ["mobile_apps", "ui_ux", "web_development"],
        "skills": [
            "Flutter",
            "Dart",
            "Firebase",
            "نشر التطبيقات",
            "REST APIs",
            "تطبيقات الجوال",
        ],
        "languages": ["ar", "en"],
        "city": "مكة المكرمة",
        "min_budget_sar": 4500,
        "rating": 4.7,
        "rating_count": 47,
        "completed_projects": 52,
        "availability": "available",
    },
    {
        "key": "shahad-alsharif",
        "email": "shahad-alsharif@demo.khadum.app",
        "display_name": "شهد الشريف",
        "display_name_en": "Shahad Alsharif",
        "headline": "مطورة iOS بلغة Swift",
        "headline_en": None,
        "bio": (
            "مطورة iOS أبني تطبيقات أصلية بلغة Swift وSwiftUI. عملت ضمن فريق تطبيق "
            "بنكي كبير وأشتغل حالياً مستقلة على تطبيقات الصحة واللياقة. أهتم بجودة "
            "الكود والاختبارات."
        ),
        "bio_en": None,
        "categories": ["mobile_apps"],
        "skills": ["Swift", "SwiftUI", "iOS", "Xcode", "HealthKit", "اختبارات الوحدة"],
        "languages": ["ar", "en"],
        "city": "الظهران",
        "min_budget_sar": 5000,
        "rating": 4.9,
        "rating_count": 14,
        "completed_projects": 15,
        "availability": "unavailable",
    },
    {
        "key": "ibrahim-alhakami",
        "email": "ibrahim-alhakami@demo.khadum.app",
        "display_name": "إبراهيم الحكمي",
        "display_name_en": "Ibrahim Alhakami",
        "headline": "مطور تطبيقات React Native",
        "headline_en": None,
        "bio": (
            "أبني تطبيقات جوال بـ React Native للمتاجر والمطاعم مع ربطها بلوحات "
            "التحكم. أطوّر الواجهة الخلفية بـ Firebase أو Supabase حسب حاجة المشروع. "
            "أوفّر صيانة شهرية بعد الإطلاق."
        ),
        "bio_en": None,
        "categories": ["mobile_apps", "ecommerce"],
        "skills": [
            "React Native",
            "Expo",
            "Firebase",
            "Supabase",
            "تطبيقات متاجر",
            "push notifications",
        ],
        "languages": ["ar", "en"],
        "city": "ينبع",
        "min_budget_sar": 2500,
        "rating": 4.4,
        "rating_count": 36,
        "completed_projects": 44,
        "availability": "available",
    },
    {
        "key": "razan-albishi",
        "email": "razan-albishi@demo.khadum.app",
        "display_name": "رزان البيشي",
        "display_name_en": "Razan Albishi",
        "headline": "مطورة تطبيقات أندرويد بلغة Kotlin",
        "headline_en": "Android developer (Kotlin)",
        "bio": (
            "أطوّر تطبيقات أندرويد بلغة Kotlin وJetpack Compose مع اهتمام خاص بالأداء "
            "على الأجهزة المتوسطة. عملت على تطبيقات خدمات لوجستية وتتبع شحنات. أحب "
            "تبسيط التطبيقات المعقدة."
        ),
        "bio_en": (
            "Android developer using Kotlin and Jetpack Compose, with experience in "
            "logistics and shipment-tracking apps."
        ),
        "categories": ["mobile_apps", "web_development"],
        "skills": [
            "Kotlin",
            "Jetpack Compose",
            "Android",
            "Google Maps API",
            "Room",
            "Git",
        ],
        "languages": ["ar", "en"],
        "city": "الخبر",
        "min_budget_sar": 3500,
        "rating": 4.6,
        "rating_count": 21,
        "completed_projects": 24,
        "availability": "limited",
    },
    {
        "key": "ruba-alsuwailem",
        "email": "ruba-alsuwailem@demo.khadum.app",
        "display_name": "ربى السويلم",
        "display_name_en": "Ruba Alsuwailem",
        "headline": "مصممة تجربة وواجهات مستخدم للتطبيقات",
        "headline_en": "UI/UX designer for mobile apps",
        "bio": (
            "أصمم تجربة وواجهات المستخدم للتطبيقات والمنصات الرقمية، من بحث المستخدم "
            "حتى النماذج التفاعلية في Figma. أهتم بتصميم عربي أصيل وليس مجرد عكس "
            "للتصميم الإنجليزي. عملت مع شركات تقنية مالية ومنصات تعليمية."
        ),
        "bio_en": (
            "I design UX and UI for apps and platforms, from user research to "
            "interactive Figma prototypes, with genuinely Arabic-first layouts."
        ),
        "categories": ["ui_ux", "mobile_apps", "web_development"],
        "skills": [
            "Figma",
            "UI design",
            "UX research",
            "نماذج تفاعلية",
            "design systems",
            "تصميم عربي RTL",
        ],
        "languages": ["ar", "en"],
        "city": "الرياض",
        "min_budget_sar": 3000,
        "rating": 4.9,
        "rating_count": 58,
        "completed_projects": 61,
        "availability": "limited",
    },
    {
        "key": "ali-alqurashi",
        "email": "ali-alqurashi@demo.khadum.app",
        "display_name": "علي القرشي",
        "display_name_en": "Ali Alqurashi",
        "headline": "مصمم واجهات مواقع ولوحات تحكم",
        "headline_en": None,
        "bio": (
            "أصمم واجهات المواقع ولوحات التحكم للأنظمة الإدارية بأسلوب نظيف وسهل "
            "الاستخدام. أسلّم ملفات Figma منظمة مع مكتبة مكونات جاهزة للمطورين. مقيم "
            "في جدة وأعمل عن بُعد مع فرق في الرياض."
        ),
        "bio_en": None,
        "categories": ["ui_ux", "web_development"],
        "skills": [
            "Figma",
            "لوحات تحكم",
            "dashboard design",
            "مكتبة مكونات",
            "wireframes",
            "Adobe XD",
        ],
        "languages": ["ar"],
        "city": "جدة",
        "min_budget_sar": 1000,
        "rating": 4.5,
        "rating_count": 44,
        "completed_projects": 49,
        "availability": "available",
    },
    {
        "key": "munira-aldosari",
        "email": "munira-aldosari@demo.khadum.app",
        "display_name": "منيرة الدوسري",
        "display_name_en": "Munira Aldosari",
        "headline": "باحثة تجربة مستخدم واختبارات قابلية الاستخدام",
        "headline_en": "UX researcher & usability testing",
        "bio": (
            "أجري مقابلات المستخدمين واختبارات قابلية الاستخدام لأفهم وين يتعثر "
            "المستخدم بالضبط. أقدّم نتائج عملية مع توصيات مرتبة حسب الأولوية. خبرتي في "
            "المنصات الحكومية والتعليمية."
        ),
        "bio_en": None,
        "categories": ["ui_ux", "business_consulting"],
        "skills": [
            "UX research",
            "اختبارات قابلية الاستخدام",
            "مقابلات المستخدمين",
            "Maze",
            "رحلة المستخدم",
            "personas",
        ],
        "languages": ["ar", "en"],
        "city": "الرياض",
        "min_budget_sar": 2500,
        "rating": 4.7,
        "rating_count": 17,
        "completed_projects": 19,
        "availability": "available",
    },
    {
        "key": "tariq-alnajjar",
        "email": "tariq-alnajjar@demo.khadum.app",
        "display_name": "طارق النجار",
        "display_name_en": "Tariq Alnajjar",
        "headline": "مصمم UI لمتاجر إلكترونية وصفحات هبوط",
        "headline_en": None,
        "bio": (
            "أصمم صفحات الهبوط وواجهات المتاجر الإلكترونية بتركيز على رفع المبيعات. "
            "أختبر التصاميم مع العميل وأقترح تحسينات بناءً على بيانات الزيارات. أشتغل "
            "على Figma وأسلّم للمطور أو أنفّذ على سلة مباشرة."
        ),
        "bio_en": None,
        "categories": ["ui_ux", "ecommerce", "marketing_ads"],
        "skills": ["Figma", "landing pages", "تصميم متاجر", "CRO", "سلة", "Webflow"],
        "languages": ["ar"],
        "city": "الدمام",
        "min_budget_sar": 800,
        "rating": 4.3,
        "rating_count": 31,
        "completed_projects": 38,
        "availability": "available",
    },
    {
        "key": "nasser-alajmi",
        "email": "nasser-alajmi@demo.khadum.app",
        "display_name": "ناصر العجمي",
        "display_name_en": "Nasser Alajmi",
        "headline": "معلق صوتي للإعلانات والأفلام الوثائقية",
        "headline_en": "Arabic voice-over artist",
        "bio": (
            "معلق صوتي بخامة عميقة أسجّل الإعلانات والأفلام الوثائقية والعروض المؤسسية "
            "بالفصحى واللهجة السعودية. أسجّل في استوديو منزلي معزول وأسلّم الملفات "
            "خلال 24 ساعة. سجّلت لجهات حكومية وعلامات تجارية كبرى."
        ),
        "bio_en": (
            "Voice-over artist with a deep voice, recording ads, documentaries and "
            "corporate films in MSA and Saudi dialect from a treated home studio."
        ),
        "categories": ["voice_over", "video_motion"],
        "skills": [
            "تعليق صوتي",
            "voice over",
            "الفصحى",
            "اللهجة السعودية",
            "Adobe Audition",
            "هندسة صوت",
        ],
        "languages": ["ar", "en"],
        "city": "الأحساء",
        "min_budget_sar": 500,
        "rating": 4.9,
        "rating_count": 256,
        "completed_projects": 290,
        "availability": "available",
    },
    {
        "key": "arwa-alhamdan",
        "email": "arwa-alhamdan@demo.khadum.app",
        "display_name": "أروى الحمدان",
        "display_name_en": "Arwa Alhamdan",
        "headline": "معلقة صوتية للإعلانات وتطبيقات التعليم",
        "headline_en": None,
        "bio": (
            "أسجّل تعليقاً صوتياً نسائياً دافئاً للإعلانات والتطبيقات التعليمية "
            "والردود الآلية. أقدر أقدّم أكثر من طبقة صوتية حسب الشخصية المطلوبة. أرسل "
            "عينة مجانية قصيرة قبل التسجيل الكامل."
        ),
        "bio_en": None,
        "categories": ["voice_over"],
        "skills": [
            "تعليق صوتي نسائي",
            "voice over",
            "IVR",
            "قراءة نصوص تعليمية",
            "أداء شخصيات",
            "Audacity",
        ],
        "languages": ["ar"],
        "city": "الرياض",
        "min_budget_sar": 300,
        "rating": 4.6,
        "rating_count": 104,
        "completed_projects": 112,
        "availability": "available",
    },
    {
        "key": "hattan-banaja",
        "email": "hattan-banaja@demo.khadum.app",
        "display_name": "هتان باناجة",
        "display_name_en": "Hattan Banaja",
        "headline": "دبلجة وأداء صوتي للشخصيات الكرتونية",
        "headline_en": "Dubbing & character voice actor",
        "bio": (
            "أعمل في الدبلجة والأداء الصوتي للشخصيات الكرتونية والألعاب منذ ثماني "
            "سنوات. شاركت في دبلجة مسلسلات أطفال وإعلانات متحركة. أقدر أؤدي عدة أصوات "
            "ولأعمار مختلفة."
        ),
        "bio_en": None,
        "categories": ["voice_over", "video_motion"],
        "skills": [
            "دبلجة",
            "أداء صوتي",
            "character voices",
            "مزامنة شفاه",
            "تعليق صوتي",
            "ألعاب فيديو",
        ],
        "languages": ["ar", "en"],
        "city": "جدة",
        "min_budget_sar": 700,
        "rating": 4.7,
        "rating_count": 66,
        "completed_projects": 71,
        "availability": "limited",
    },
    {
        "key": "saleh-almarri",
        "email": "saleh-almarri@demo.khadum.app",
        "display_name": "صالح المري",
        "display_name_en": "Saleh Almarri",
        "headline": "معلق صوتي للبودكاست والكتب الصوتية",
        "headline_en": None,
        "bio": (
            "أسجّل الكتب الصوتية وافتتاحيات البودكاست بصوت هادئ ومريح للاستماع الطويل. "
            "أهتم بمخارج الحروف والتشكيل الصحيح. أسلّم الملفات بعد التنظيف والمعالجة "
            "الكاملة."
        ),
        "bio_en": None,
        "categories": ["voice_over", "writing_content"],
        "skills": [
            "كتب صوتية",
            "audiobooks",
            "تعليق صوتي",
            "بودكاست",
            "تشكيل",
            "iZotope RX",
        ],
        "languages": ["ar"],
        "city": "حفر الباطن",
        "min_budget_sar": 250,
        "rating": 4.2,
        "rating_count": 12,
        "completed_projects": 15,
        "availability": "available",
    },
    {
        "key": "salman-ansari",
        "email": "salman-ansari@demo.khadum.app",
        "display_name": "سلمان أنصاري",
        "display_name_en": "Salman Ansari",
        "headline": "إدخال بيانات وتنظيم جداول Excel بدقة",
        "headline_en": "Accurate data entry & Excel cleanup",
        "bio": (
            "أُدخل البيانات وأنظّف الجداول وأنسّق قواعد بيانات العملاء والمنتجات على "
            "Excel وGoogle Sheets. أتحدث العربية والإنجليزية والأردية والهندية وأتعامل "
            "مع مستندات بلغات متعددة. ألتزم بالمواعيد حتى في المشاريع الكبيرة."
        ),
        "bio_en": (
            "I handle data entry, spreadsheet cleanup and customer/product databases "
            "in Excel and Google Sheets, working with documents in Arabic, English, "
            "Urdu and Hindi."
        ),
        "categories": ["data_entry", "translation"],
        "skills": [
            "إدخال بيانات",
            "data entry",
            "Excel",
            "Google Sheets",
            "تنظيف البيانات",
            "كتابة سريعة",
        ],
        "languages": ["ar", "en", "ur", "hi"],
        "city": "الدمام",
        "min_budget_sar": 100,
        "rating": 4.5,
        "rating_count": 178,
        "completed_projects": 230,
        "availability": "available",
    },
    {
        "key": "bashayer-alanazi",
        "email": "bashayer-alanazi@demo.khadum.app",
        "display_name": "بشاير العنزي",
        "display_name_en": "Bashayer Alanazi",
        "headline": "إدخال بيانات ورفع منتجات للمتاجر",
        "headline_en": None,
        "bio": (
            "أرفع المنتجات على متاجر سلة وزد مع كتابة الوصف وضبط الأسعار والمخزون. "
            "أنظّم ملفات الموردين وأحوّلها إلى جداول جاهزة للرفع الجماعي. أشتغل من "
            "حائل بدوام مرن."
        ),
        "bio_en": None,
        "categories": ["data_entry", "ecommerce"],
        "skills": ["رفع منتجات", "إدخال بيانات", "سلة", "زد", "Excel", "وصف منتجات"],
        "languages": ["ar"],
        "city": "حائل",
        "min_budget_sar": 100,
        "rating": 4.4,
        "rating_count": 141,
        "completed_projects": 166,
        "availability": "available",
    },
    {
        "key": "mazen-alruhaili",
        "email": "mazen-alruhaili@demo.khadum.app",
        "display_name": "مازن الرحيلي",
        "display_name_en": "Mazen Alruhaili",
        "headline": "تفريغ صوتي وتحويل ملفات PDF إلى Word",
        "headline_en": None,
        "bio": (
            "أفرّغ التسجيلات الصوتية والمقابلات نصياً وأحوّل ملفات PDF والصور إلى "
            "مستندات Word قابلة للتعديل. أراجع كل ملف مرتين قبل التسليم. خدماتي مناسبة "
            "للباحثين وطلاب الدراسات العليا."
        ),
        "bio_en": None,
        "categories": ["data_entry", "writing_content"],
        "skills": [
            "تفريغ صوتي",
            "transcription",
            "PDF to Word",
            "كتابة على الكمبيوتر",
            "Microsoft Word",
            "مراجعة",
        ],
        "languages": ["ar"],
        "city": "المدينة المنورة",
        "min_budget_sar": 100,
        "rating": 4.1,
        "rating_count": 58,
        "completed_projects": 73,
        "availability": "available",
    },
    {
        "key": "afnan-alamoudi",
        "email": "afnan-alamoudi@demo.khadum.app",
        "display_name": "أفنان العمودي",
        "display_name_en": "Afnan Alamoudi",
        "headline": "مساعدة افتراضية وإدارة بيانات CRM",
        "headline_en": None,
        "bio": (
            "أساعد رواد الأعمال في تنظيم بيانات العملاء على HubSpot وZoho وتحديث "
            "الجداول اليومية. أرتّب البريد والمواعيد وأجهّز تقارير أسبوعية مختصرة. "
            "أعمل بالعربية والإنجليزية."
        ),
        "bio_en": None,
        "categories": ["data_entry", "business_consulting"],
        "skills": [
            "مساعد افتراضي",
            "virtual assistant",
            "HubSpot",
            "Zoho CRM",
            "إدخال بيانات",
            "Google Workspace",
        ],
        "languages": ["ar", "en"],
        "city": "جدة",
        "min_budget_sar": 600,
        "rating": 4.6,
        "rating_count": 9,
        "completed_projects": 12,
        "availability": "limited",
    },
    {
        "key": "abdulaziz-alfawzan",
        "email": "abdulaziz-alfawzan@demo.khadum.app",
        "display_name": "عبدالعزيز الفوزان",
        "display_name_en": "Abdulaziz Alfawzan",
        "headline": "مستشار خطط أعمال ودراسات جدوى",
        "headline_en": "Business plans & feasibility studies",
        "bio": (
            "أعدّ دراسات الجدوى وخطط الأعمال للمشاريع الصغيرة والمتوسطة بما يتوافق مع "
            "متطلبات جهات التمويل مثل بنك التنمية الاجتماعية ومنشآت. أبني نماذج مالية "
            "واضحة بتوقعات واقعية. خبرتي 15 سنة في القطاع المصرفي."
        ),
        "bio_en": (
            "I prepare feasibility studies and business plans for SMEs that meet the "
            "requirements of Saudi funding bodies, with realistic financial models."
        ),
        "categories": ["business_consulting"],
        "skills": [
            "دراسات جدوى",
            "خطط أعمال",
            "financial modeling",
            "Excel",
            "نماذج مالية",
            "منشآت",
        ],
        "languages": ["ar", "en"],
        "city": "بريدة",
        "min_budget_sar": 3500,
        "rating": 4.8,
        "rating_count": 79,
        "completed_projects": 85,
        "availability": "available",
    },
    {
        "key": "latifa-alsalem",
        "email": "latifa-alsalem@demo.khadum.app",
        "display_name": "لطيفة السالم",
        "display_name_en": "Latifa Alsalem",
        "headline": "استشارات موارد بشرية ولوائح تنظيمية",
        "headline_en": None,
        "bio": (
            "أساعد الشركات الناشئة على بناء هيكلها التنظيمي ولوائح العمل الداخلية وفق "
            "نظام العمل السعودي. أجهّز الأوصاف الوظيفية وسلالم الرواتب وسياسات "
            "التوظيف. عملت مديرة موارد بشرية لثماني سنوات."
        ),
        "bio_en": None,
        "categories": ["business_consulting", "writing_content"],
        "skills": [
            "موارد بشرية",
            "HR consulting",
            "نظام العمل السعودي",
            "أوصاف وظيفية",
            "هيكل تنظيمي",
            "سياسات",
        ],
        "languages": ["ar", "en"],
        "city": "الرياض",
        "min_budget_sar": 2000,
        "rating": 4.6,
        "rating_count": 23,
        "completed_projects": 26,
        "availability": "available",
    },
    {
        "key": "nayef-alosaimi",
        "email": "nayef-alosaimi@demo.khadum.app",
        "display_name": "نايف العصيمي",
        "display_name_en": "Nayef Alosaimi",
        "headline": "مستشار تسويق ونمو للشركات الناشئة",
        "headline_en": "Growth & go-to-market consultant",
        "bio": (
            "أساعد الشركات الناشئة في وضع خطة دخول السوق وقياس مؤشرات النمو وتحديد "
            "قنوات الاكتساب الأنسب. عملت مع أكثر من عشرين شركة ناشئة في برامج تسريع "
            "محلية. أقدّم جلسات استشارية بالساعة أو مشاريع كاملة."
        ),
        "bio_en": (
            "I help startups with go-to-market plans, growth metrics and choosing the "
            "right acquisition channels, and have worked with 20+ startups in local "
            "accelerator programmes."
        ),
        "categories": ["business_consulting", "marketing_ads", "ecommerce"],
        "skills": [
            "go-to-market",
            "growth",
            "استراتيجية تسويق",
            "مؤشرات أداء KPIs",
            "تسعير",
            "اكتساب العملاء",
        ],
        "languages": ["ar", "en"],
        "city": "الخبر",
        "min_budget_sar": 4000,
        "rating": 4.7,
        "rating_count": 42,
        "completed_projects": 45,
        "availability": "limited",
    },
    {
        "key": "haifa-alzamil",
        "email": "haifa-alzamil@demo.khadum.app",
        "display_name": "هيفاء الزامل",
        "display_name_en": "Haifa Alzamil",
        "headline": "محاسبة واستشارات زكاة وضريبة",
        "headline_en": None,
        "bio": (
            "محاسبة أقدّم خدمات مسك الدفاتر وإعداد القوائم المالية وإقرارات الزكاة "
            "وضريبة القيمة المضافة. أتعامل مع متطلبات الفوترة الإلكترونية (فاتورة). "
            "أتابع مع هيئة الزكاة والضريبة والجمارك نيابةً عن العميل."
        ),
        "bio_en": None,
        "categories": ["business_consulting", "data_entry"],
        "skills": [
            "محاسبة",
            "ضريبة القيمة المضافة",
            "الفوترة الإلكترونية",
            "زكاة",
            "QuickBooks",
            "Zoho Books",
        ],
        "languages": ["ar", "en"],
        "city": "الجبيل",
        "min_budget_sar": 1000,
        "rating": 4.5,
        "rating_count": 67,
        "completed_projects": 78,
        "availability": "available",
    },
    {
        "key": "meshal-alqahtani",
        "email": "meshal-alqahtani@demo.khadum.app",
        "display_name": "مشعل القحطاني",
        "display_name_en": "Meshal Alqahtani",
        "headline": "خبير SEO للمواقع العربية والمتاجر",
        "headline_en": "SEO specialist for Arabic websites",
        "bio": (
            "أحسّن ظهور المواقع العربية في نتائج بحث Google من خلال التدقيق التقني "
            "وبناء المحتوى والروابط. ضاعفت الزيارات العضوية لعدة متاجر سعودية خلال "
            "سنة. أقدّم تقارير شهرية واضحة بالأرقام."
        ),
        "bio_en": (
            "I improve Google visibility for Arabic websites through technical audits, "
            "content strategy and link building, with clear monthly reports."
        ),
        "categories": ["seo", "writing_content", "ecommerce"],
        "skills": [
            "SEO",
            "تحسين محركات البحث",
            "Ahrefs",
            "Google Search Console",
            "SEO تقني",
            "بناء روابط",
        ],
        "languages": ["ar", "en"],
        "city": "الرياض",
        "min_budget_sar": 2000,
        "rating": 4.7,
        "rating_count": 88,
        "completed_projects": 94,
        "availability": "available",
    },
    {
        "key": "alanoud-alsuqair",
        "email": "alanoud-alsuqair@demo.khadum.app",
        "display_name": "العنود الصقير",
        "display_name_en": "Alanoud Alsuqair",
        "headline": "كاتبة محتوى SEO وبحث كلمات مفتاحية",
        "headline_en": None,
        "bio": (
            "أبحث عن الكلمات المفتاحية وأكتب محتوى يتصدر نتائج البحث ويجاوب فعلاً على "
            "أسئلة القارئ. أخطط مجموعات المحتوى للمدونات وأحدّث المقالات القديمة. "
            "أشتغل على Semrush وSurfer SEO."
        ),
        "bio_en": None,
        "categories": ["seo", "writing_content"],
        "skills": [
            "كلمات مفتاحية",
            "SEO writing",
            "Semrush",
            "Surfer SEO",
            "كتابة مقالات",
            "content clusters",
        ],
        "languages": ["ar", "en"],
        "city": "بريدة",
        "min_budget_sar": 400,
        "rating": 4.5,
        "rating_count": 76,
        "completed_projects": 84,
        "availability": "available",
    },
    {
        "key": "raed-alharbi",
        "email": "raed-alharbi@demo.khadum.app",
        "display_name": "رائد الحربي",
        "display_name_en": "Raed Alharbi",
        "headline": "SEO تقني وتحسين سرعة المواقع",
        "headline_en": None,
        "bio": (
            "أعالج مشاكل الفهرسة والزحف وسرعة المواقع وأحسّن مؤشرات Core Web Vitals. "
            "أشتغل مع فرق التطوير على تنفيذ التوصيات خطوة بخطوة. عندي خبرة خاصة في "
            "المواقع الكبيرة ومتعددة اللغات."
        ),
        "bio_en": None,
        "categories": ["seo", "web_development"],
        "skills": [
            "technical SEO",
            "Core Web Vitals",
            "Screaming Frog",
            "hreflang",
            "فهرسة",
            "Google Search Console",
        ],
        "languages": ["ar", "en"],
        "city": "المدينة المنورة",
        "min_budget_sar": 1500,
        "rating": 4.6,
        "rating_count": 39,
        "completed_projects": 43,
        "availability": "unavailable",
    },
    {
        "key": "jawaher-alruwais",
        "email": "jawaher-alruwais@demo.khadum.app",
        "display_name": "جواهر الرويس",
        "display_name_en": "Jawaher Alruwais",
        "headline": "SEO محلي وتحسين الظهور على خرائط Google",
        "headline_en": None,
        "bio": (
            "أساعد العيادات والمطاعم والمحلات على الظهور في نتائج البحث المحلية وخرائط "
            "Google. أضبط ملف النشاط التجاري وأدير التقييمات وأبني الإشارات المحلية. "
            "أغلب عملائي في المنطقة الشرقية."
        ),
        "bio_en": None,
        "categories": ["seo", "marketing_ads"],
        "skills": [
            "Local SEO",
            "Google Business Profile",
            "خرائط Google",
            "إدارة التقييمات",
            "SEO محلي",
            "citations",
        ],
        "languages": ["ar"],
        "city": "القطيف",
        "min_budget_sar": 350,
        "rating": 4.3,
        "rating_count": 25,
        "completed_projects": 30,
        "availability": "available",
    },
    {
        "key": "waleed-aljabri",
        "email": "waleed-aljabri@demo.khadum.app",
        "display_name": "وليد الجابري",
        "display_name_en": "Waleed Aljabri",
        "headline": "إنشاء وإدارة متاجر سلة وزد",
        "headline_en": "Salla & Zid store setup",
        "bio": (
            "أنشئ المتاجر الإلكترونية على سلة وزد من الصفر، من اختيار القالب حتى ربط "
            "الدفع والشحن. جهّزت أكثر من 80 متجراً للعطور والعبايات والقهوة. أقدّم "
            "دعماً بعد الإطلاق وتدريباً على إدارة الطلبات."
        ),
        "bio_en": (
            "I set up Salla and Zid stores end to end (theme, payments, shipping) and "
            "have launched 80+ stores for perfume, abaya and coffee brands."
        ),
        "categories": ["ecommerce", "web_development", "graphic_design"],
        "skills": [
            "سلة",
            "زد",
            "إنشاء متاجر",
            "ربط شركات الشحن",
            "بوابات الدفع",
            "Shopify",
        ],
        "languages": ["ar", "en"],
        "city": "مكة المكرمة",
        "min_budget_sar": 1500,
        "rating": 4.8,
        "rating_count": 112,
        "completed_projects": 120,
        "availability": "available",
    },
    {
        "key": "shouq-alotaibi",
        "email": "shouq-alotaibi@demo.khadum.app",
        "display_name": "شوق العتيبي",
        "display_name_en": "Shouq Alotaibi",
        "headline": "إدارة متاجر إلكترونية وخدمة عملاء",
        "headline_en": None,
        "bio": (
            "أدير العمليات اليومية للمتاجر الإلكترونية من متابعة الطلبات إلى الرد على "
            "العملاء وتحديث المخزون. أساعد أصحاب المتاجر على التفرغ للتسويق والنمو. "
            "أستخدم سلة وواتساب للأعمال وأدوات الشحن."
        ),
        "bio_en": None,
        "categories": ["ecommerce", "data_entry"],
        "skills": [
            "إدارة متاجر",
            "خدمة عملاء",
            "WhatsApp Business",
            "سلة",
            "متابعة طلبات",
            "إدارة مخزون",
        ],
        "languages": ["ar"],
        "city": "الرياض",
        "min_budget_sar": 800,
        "rating": 4.4,
        "rating_count": 28,
        "completed_projects": 32,
        "availability": "available",
    },
    {
        "key": "yasser-alasmari",
        "email": "yasser-alasmari@demo.khadum.app",
        "display_name": "ياسر الأسمري",
        "display_name_en": "Yasser Alasmari",
        "headline": "البيع على أمازون ونون وإدارة إعلاناتها",
        "headline_en": "Amazon Saudi & Noon marketplace expert",
        "bio": (
            "أساعد العلامات على فتح حسابات البائعين في أمازون السعودية ونون وتجهيز "
            "صفحات المنتجات. أدير إعلانات المنصات وأتابع المخزون في مستودعات FBA وFBN. "
            "خبرتي في الإلكترونيات ومنتجات العناية الشخصية."
        ),
        "bio_en": (
            "I help brands launch and grow on Amazon Saudi and Noon: listings, "
            "marketplace ads and FBA/FBN inventory."
        ),
        "categories": ["ecommerce", "marketing_ads"],
        "skills": [
            "Amazon Seller Central",
            "Noon",
            "Amazon PPC",
            "صفحات منتجات",
            "FBA",
            "إدارة مخزون",
        ],
        "languages": ["ar", "en"],
        "city": "خميس مشيط",
        "min_budget_sar": 1800,
        "rating": 4.6,
        "rating_count": 49,
        "completed_projects": 55,
        "availability": "available",
    },
    {
        "key": "maryam-alhammadi",
        "email": "maryam-alhammadi@demo.khadum.app",
        "display_name": "مريم الحمادي",
        "display_name_en": "Maryam Alhammadi",
        "headline": "متاجر Shopify وتخصيص القوالب",
        "headline_en": None,
        "bio": (
            "أبني متاجر Shopify بتصاميم مخصصة ودعم كامل للغة العربية والريال السعودي. "
            "أعدّل القوالب بلغة Liquid وأربط التطبيقات الضرورية للمتجر. عملت مع علامات "
            "خليجية تبيع في السعودية والإمارات."
        ),
        "bio_en": None,
        "categories": ["ecommerce", "web_development", "ui_ux"],
        "skills": [
            "Shopify",
            "Liquid",
            "تخصيص قوالب",
            "متاجر إلكترونية",
            "Klaviyo",
            "تعريب المتاجر",
        ],
        "languages": ["ar", "en"],
        "city": "الخبر",
        "min_budget_sar": 2500,
        "rating": 4.5,
        "rating_count": 18,
        "completed_projects": 20,
        "availability": "limited",
    },
    {
        "key": "dalal-alhumood",
        "email": "dalal-alhumood@demo.khadum.app",
        "display_name": "دلال الحمود",
        "display_name_en": "Dalal Alhumood",
        "headline": "مصممة داخلية للشقق والفلل والمجالس",
        "headline_en": "Interior designer for homes & majlis",
        "bio": (
            "أصمم المساحات الداخلية للشقق والفلل والمجالس بأسلوب يجمع بين الفخامة "
            "والعملية. أقدّم مخططات ولوحات إلهام وتصاميم ثلاثية الأبعاد بجودة واقعية. "
            "أتابع مع المنفذين عند الطلب داخل الرياض."
        ),
        "bio_en": (
            "I design apartments, villas and majlis spaces with a balance of elegance "
            "and practicality, delivering plans, mood boards and realistic 3D renders."
        ),
        "categories": ["interior_architecture", "graphic_design"],
        "skills": [
            "تصميم داخلي",
            "3ds Max",
            "V-Ray",
            "AutoCAD",
            "مود بورد",
            "تصميم مجالس",
        ],
        "languages": ["ar", "en"],
        "city": "الرياض",
        "min_budget_sar": 3000,
        "rating": 4.8,
        "rating_count": 64,
        "completed_projects": 70,
        "availability": "available",
    },
    {
        "key": "hussain-alnasser",
        "email": "hussain-alnasser@demo.khadum.app",
        "display_name": "حسين الناصر",
        "display_name_en": "Hussain Alnasser",
        "headline": "مهندس معماري ومخططات سكنية",
        "headline_en": None,
        "bio": (
            "مهندس معماري أعدّ المخططات المعمارية وتصاميم الواجهات للفلل والمباني "
            "السكنية وفق اشتراطات منصة بلدي. أجهّز ملفات الرخص والمخططات التنفيذية. "
            "أغطي القطيف والدمام والخبر."
        ),
        "bio_en": None,
        "categories": ["interior_architecture"],
        "skills": [
            "تصميم معماري",
            "AutoCAD",
            "Revit",
            "تصميم واجهات",
            "مخططات تنفيذية",
            "رخص بلدي",
        ],
        "languages": ["ar", "en"],
        "city": "القطيف",
        "min_budget_sar": 5000,
        "rating": 4.6,
        "rating_count": 31,
        "completed_projects": 34,
        "availability": "available",
    },
    {
        "key": "rima-almansour",
        "email": "rima-almansour@demo.khadum.app",
        "display_name": "ريما المنصور",
        "display_name_en": "Rima Almansour",
        "headline": "تصاميم ثلاثية الأبعاد وإظهار معماري",
        "headline_en": None,
        "bio": (
            "أحوّل المخططات المعمارية إلى صور وفيديوهات إظهار واقعية للمطورين "
            "العقاريين والمكاتب الهندسية. أستخدم Lumion وBlender وD5 Render. أسلّم "
            "عادةً خلال أسبوع للمشاريع السكنية."
        ),
        "bio_en": None,
        "categories": ["interior_architecture", "video_motion"],
        "skills": [
            "إظهار معماري",
            "3D rendering",
            "Lumion",
            "Blender",
            "D5 Render",
            "SketchUp",
        ],
        "languages": ["ar", "en"],
        "city": "جدة",
        "min_budget_sar": 1200,
        "rating": 4.7,
        "rating_count": 53,
        "completed_projects": 60,
        "availability": "limited",
    },
    {
        "key": "adel-alammar",
        "email": "adel-alammar@demo.khadum.app",
        "display_name": "عادل العمار",
        "display_name_en": "Adel Alammar",
        "headline": "تصميم داخلي للمطاعم والمحلات التجارية",
        "headline_en": None,
        "bio": (
            "أصمم المطاعم والكافيهات والمحلات التجارية بحيث تخدم التشغيل وتعكس هوية "
            "العلامة. أشتغل بالتنسيق مع مصممي الهوية لتكون تجربة الزائر متكاملة. نفّذت "
            "مشاريع في بريدة وعنيزة والرياض."
        ),
        "bio_en": None,
        "categories": ["interior_architecture", "graphic_design"],
        "skills": [
            "تصميم تجاري",
            "تصميم مطاعم",
            "SketchUp",
            "AutoCAD",
            "retail design",
            "لوحات مواد",
        ],
        "languages": ["ar"],
        "city": "بريدة",
        "min_budget_sar": 2000,
        "rating": 4.4,
        "rating_count": 16,
        "completed_projects": 18,
        "availability": "available",
    },
)

_BY_KEY: dict[str, DemoFreelancer] = {f["key"]: f for f in DEMO_FREELANCERS}


def by_key(key: str) -> DemoFreelancer:
    """Return the demo freelancer with the given key.

    Raises KeyError with a descriptive message if the key is unknown.
    """
    try:
        return _BY_KEY[key]
    except KeyError:
        raise KeyError(
            f"Unknown demo freelancer key {key!r}; "
            f"expected one of {len(_BY_KEY)} keys in DEMO_FREELANCERS"
        ) from None
