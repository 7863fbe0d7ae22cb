# ruff: noqa: E501  (a table of requests reads best one per line)
"""A relevance table: realistic requests (Gulf dialect, MSA, English) across the
16 categories, each with the demo specialist who should come first and the
category the analysis should find. Run by tests/matching/test_relevance.py (CI,
figures printed) and by bench.matching (fast path vs exhaustive at 100k)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from khadum.analysis.local import analyse_locally
from khadum.matching.search import find_matches
from khadum.seed.load import freelancer_id


@dataclass(frozen=True)
class Case:
    text: str
    top: str  # the demo freelancer's key (khadum.seed.freelancers)
    category: str


CASES: tuple[Case, ...] = (
    # marketing_ads
    Case("أبي إعلان تسويقي لساعة ذكية للشباب من 18-30 سنة", "mohammed-alghamdi", "marketing_ads"),
    Case("I need a marketing ad for a smart watch aimed at young people", "mohammed-alghamdi", "marketing_ads"),
    Case("نبي أحد يدير حملة إعلانات قوقل بحث لمتجرنا ويحسن معدل التحويل", "noura-alqahtani", "marketing_ads"),
    Case("أحتاج إعلانات سناب شات وتيك توك ممولة لتحميل تطبيقنا", "abdullah-aldosari", "marketing_ads"),
    Case("كتابة إعلانات لعلامة تجميل وأزياء نسائية", "reem-alshehri", "marketing_ads"),
    # social_media
    Case("ابغى أحد يدير حسابات السوشيال ميديا لكافيه جديد", "lama-alharbi", "social_media"),
    Case("نبي إدارة مجتمع على إكس وتيك توك ومتابعة الترندات", "turki-almutairi", "social_media"),
    Case("تغطية مباشرة سناب شات لفعالية افتتاح", "abdulrahman-alanazi", "social_media"),
    Case("Instagram content calendar and captions for a kids clothing brand", "dana-alsubaie", "social_media"),
    # graphic_design
    Case("logo for my coffee shop", "khalid-alrashidi", "graphic_design"),
    Case("أبي تصميم شعار وهوية بصرية لمقهى", "khalid-alrashidi", "graphic_design"),
    Case("ابغى تصميم منيو لمطعمي ومنشورات انستقرام", "amal-aljohani", "graphic_design"),
    Case("تصميم تغليف وملصقات لمنتج عسل", "maha-alamri", "graphic_design"),
    Case("I need a pitch deck designed for investors", "omar-alsulami", "graphic_design"),
    Case("رسم شخصية كرتونية رقمية لقصة أطفال", "yousef-alblawi", "graphic_design"),
    # video_motion
    Case("فيديو موشن جرافيك يشرح تطبيقنا", "faisal-almalki", "video_motion"),
    Case("مونتاج حلقات بودكاست ويوتيوب", "bader-alyami", "video_motion"),
    Case("2D animation with cartoon characters for a kids channel", "joud-alshahrani", "video_motion"),
    Case("نبي تصوير وإخراج إعلان تجاري قصير لسيارة", "saud-alharthi", "video_motion"),
    Case("فيديوهات ريلز وتيك توك UGC لعلامتنا التجارية", "lina-alhazmi", "video_motion"),
    # photography
    Case("مصور منتجات وأطعمة لمطعم", "nawaf-albuqami", "photography"),
    Case("مصورة لحفل زواج نسائي", "ghada-alqarni", "photography"),
    Case("Real estate photography for villas with drone shots", "mansour-alshathri", "photography"),
    Case("أبي صور بورتريه مهنية لفريق الشركة", "rahaf-baashan", "photography"),
    # writing_content
    Case("كتابة مقالات لمدونة موقعنا", "abeer-alkhaldi", "writing_content"),
    Case("أبي كاتب سيناريو لإعلان باللهجة السعودية", "majed-alahmadi", "writing_content"),
    Case("تدقيق لغوي لرسالة ماجستير", "asma-alasiri", "writing_content"),
    Case("Technical documentation for our SaaS product", "ziyad-alfaifi", "writing_content"),
    Case("تأليف قصص أطفال", "hanan-althaqafi", "writing_content"),
    # translation
    Case("محتاج مترجم لعقد من الإنجليزي للعربي", "hamad-alsudairi", "translation"),
    Case("ترجمة قانونية معتمدة لعقد شراكة", "hamad-alsudairi", "translation"),
    Case("ترجمة موقعنا للفرنسي", "yasmin-alhaddad", "translation"),
    Case("Subtitles for our YouTube videos in Arabic", "nouf-alruwaili", "translation"),
    Case("ترجمة من الأردو للعربي", "ayesha-siddiqui", "translation"),
    # web_development
    Case("ابغى موقع ووردبريس لشركتنا", "raghad-alsahli", "web_development"),
    Case("Full-stack web app with Django and React", "sultan-alshamrani", "web_development"),
    Case("ربط بوابة دفع وباك اند Laravel لموقعنا", "ahmed-mansour", "web_development"),
    Case("Next.js front-end developer for our landing site", "mishari-alrashed", "web_development"),
    Case("سكربت بايثون لسحب البيانات من المواقع وأتمتة المهام", "waad-aldakhil", "web_development"),
    # mobile_apps
    Case("ودي أسوي تطبيق جوال فلاتر لمطعمي", "hisham-alzahrani", "mobile_apps"),
    Case("مطورة تطبيق iOS بلغة Swift", "shahad-alsharif", "mobile_apps"),
    Case("React Native app for our online store", "ibrahim-alhakami", "mobile_apps"),
    Case("تطبيق أندرويد بلغة كوتلن مع خرائط قوقل", "razan-albishi", "mobile_apps"),
    # ui_ux
    Case("Looking for a UX designer to redesign our app in Figma", "ruba-alsuwailem", "ui_ux"),
    Case("تصميم واجهات لوحة تحكم لنظامنا", "ali-alqurashi", "ui_ux"),
    Case("اختبارات قابلية الاستخدام ومقابلات المستخدمين", "munira-aldosari", "ui_ux"),
    Case("تصميم واجهة متجر إلكتروني وصفحة هبوط", "tariq-alnajjar", "ui_ux"),
    # voice_over
    Case("أبي تعليق صوتي لإعلان إذاعي", "nasser-alajmi", "voice_over"),
    Case("معلقة صوتية نسائية لتطبيق تعليمي", "arwa-alhamdan", "voice_over"),
    Case("دبلجة أصوات شخصيات كرتونية", "hattan-banaja", "voice_over"),
    Case("Narrator for an Arabic audiobook", "saleh-almarri", "voice_over"),
    # data_entry
    Case("إدخال بيانات في جداول إكسل", "salman-ansari", "data_entry"),
    Case("رفع منتجات على متجري في سلة", "bashayer-alanazi", "data_entry"),
    Case("تفريغ صوتي لمقابلات وتحويل PDF إلى Word", "mazen-alruhaili", "data_entry"),
    Case("Virtual assistant to manage our HubSpot CRM data", "afnan-alamoudi", "data_entry"),
    # business_consulting
    Case("دراسة جدوى لمشروع مطعم", "abdulaziz-alfawzan", "business_consulting"),
    Case("استشارة موارد بشرية ولوائح تنظيمية حسب نظام العمل السعودي", "latifa-alsalem", "business_consulting"),
    Case("Go-to-market and growth strategy for our startup", "nayef-alosaimi", "business_consulting"),
    Case("محاسب لضريبة القيمة المضافة والزكاة", "haifa-alzamil", "business_consulting"),
    # seo
    Case("We need SEO for our online store, budget 2000 SAR", "meshal-alqahtani", "seo"),
    Case("كتابة محتوى سيو وبحث كلمات مفتاحية", "alanoud-alsuqair", "seo"),
    Case("تحسين سرعة الموقع و SEO تقني", "raed-alharbi", "seo"),
    Case("أبي أظهر في خرائط قوقل لمحلي، سيو محلي", "jawaher-alruwais", "seo"),
    # ecommerce
    Case("إنشاء متجر على سلة وربط شركات الشحن", "waleed-aljabri", "ecommerce"),
    Case("Shopify store theme customization", "maryam-alhammadi", "ecommerce"),
    Case("ابي أبيع على أمازون ونون", "yasser-alasmari", "ecommerce"),
    Case("إدارة متجري الإلكتروني وخدمة العملاء على الواتساب", "shouq-alotaibi", "ecommerce"),
    # interior_architecture
    Case("تصميم داخلي لمجلس في فيلا بالرياض", "dalal-alhumood", "interior_architecture"),
    Case("مهندس معماري لمخططات فيلا سكنية", "hussain-alnasser", "interior_architecture"),
    Case("ديكور شقة صغيرة", "dalal-alhumood", "interior_architecture"),
)


async def run_case(conn: Any, case: Case, *, limit: int = 5) -> dict[str, Any]:
    analysis = analyse_locally(case.text)
    matches = await find_matches(conn, case.text, analysis, limit=limit)
    ids = [m.freelancer_id for m in matches]
    expected = str(freelancer_id(case.top))
    return {
        "text": case.text,
        "category": analysis.category,
        "category_ok": analysis.category == case.category,
        "top_ok": bool(ids) and ids[0] == expected,
        "rank": ids.index(expected) + 1 if expected in ids else None,
        "ids": ids,
    }


def figures(results: list[dict[str, Any]]) -> dict[str, Any]:
    n = len(results)
    return {
        "cases": n,
        "category_accuracy": round(sum(r["category_ok"] for r in results) / n, 3),
        "top1_accuracy": round(sum(r["top_ok"] for r in results) / n, 3),
        "top3_accuracy": round(sum(bool(r["rank"]) and r["rank"] <= 3 for r in results) / n, 3),
        "mrr": round(sum(1 / r["rank"] for r in results if r["rank"]) / n, 3),
    }
