-- =============================================================================
-- Contact masking, leaner per message (issue 11: masking a 1,000-character
-- message within 2 ms p95). Same pipeline and the same results as
-- 20251202000200 (tests/chat/test_masking_identity.py compares both
-- definitions on the whole table of cases, the benchmark's messages and
-- random mixes; bench.masking times both in the same run). PostgreSQL's
-- regular-expression engine builds the states of its automaton afresh on
-- every match it looks for (perf: a third of a call in `miss`), so a
-- large pattern costs in proportion to the matches it finds and to its
-- size; here fewer and smaller runs:
--   * prefixes (a currency, a version or an order word before a number):
--     not one bracketing pass over the text (a fresh automaton per match),
--     but a test of the text before a group, only for a group whose text
--     before it can end with a prefix;
--   * the top-level domains and the number words (the screens, and the
--     pattern mask_phrase_digits cuts a phrase with) as tries
--     (mask_alternation: the same strings, a few branches per letter for the
--     automaton instead of every word);
--   * the number-word screen in two (Arabic; Latin only with Latin letters),
--     and so the phone words, the "contact me" words and, in a text without
--     Latin letters, the spelled «at»/«dot» trigger;
--   * NFKC only when the text is not already normal;
--   * the text between the digit groups lowered by one call, not per group;
--   * number words: the text lowered once, one statement for a word that
--     cannot count; a phrase of one number word is its value without
--     mask_phrase_digits (which matched the whole word list against it).
-- The functions keep their signatures, owners and grants (create or replace).
-- =============================================================================

-- A list of plain words (letters and digits, no operator of the expression
-- engine) as one alternation factored by their first letters, a trie:
-- 'co|com|net' -> '(?:co(?:m)?|net)'. It matches exactly the same strings as
-- the words joined by '|', but PostgreSQL's engine, which builds the states
-- of its automaton afresh on every run, follows a few branches per letter
-- instead of every word (the top-level domains: half the cost of a run).
create or replace function public.mask_alternation(p_words text[]) returns text
language plpgsql immutable parallel safe set search_path = '' as $$
declare
  firsts text[];
  ch text;
  alts text[] := '{}';
  has_empty boolean := '' = any (p_words);
begin
  select array_agg(distinct left(w, 1) order by left(w, 1)) into firsts
    from unnest(p_words) w where w <> '';
  if firsts is null then
    return '';
  end if;
  foreach ch in array firsts loop
    alts := alts || (ch || public.mask_alternation(
      array(select substr(w, 2) from unnest(p_words) w where left(w, 1) = ch)));
  end loop;
  if cardinality(alts) = 1 and not has_empty then
    return alts[1];
  elsif cardinality(alts) = 1 then
    return case when length(alts[1]) = 1 then alts[1] || '?' else '(?:' || alts[1] || ')?' end;
  end if;
  return '(?:' || array_to_string(alts, '|') || ')' || case when has_empty then '?' else '' end;
end
$$;
revoke execute on function public.mask_alternation(text[]) from public, anon, authenticated;
grant execute on function public.mask_alternation(text[]) to service_role;

-- The number words as one alternation (mask_phrase_digits cuts a phrase into
-- words and digits with it; it returns whole matches only, so the factored
-- form, which matches the same strings, cuts the same words).
create or replace function public.mask_number_word_pattern() returns text
language sql immutable parallel safe set search_path = '' as $$
  select public.mask_alternation(array_agg(k))
  from jsonb_object_keys(public.mask_number_words()) k
$$;

-- The number-word screen of 20251201000300 in two: its Arabic words, and
-- its Latin ones (words, and Arabizi words with a digit). A text matches
-- mask_number_word_screen() exactly when it matches the first or (case
-- insensitively) the second; the words are factored (mask_alternation).
create or replace function public.mask_number_word_screen_ar() returns text
language sql immutable parallel safe set search_path = '' as $$
  select '(?:^|[^\u0621-\u064A\u066E-\u06D3])و?(?:'
    || public.mask_alternation(array_agg(k) filter (where k !~ '[a-z0-9]'))
    || ')(?:[^\u0621-\u064A\u066E-\u06D3]|$)'
  from jsonb_object_keys(public.mask_number_words()) k
$$;
revoke execute on function public.mask_number_word_screen_ar() from public, anon, authenticated;
grant execute on function public.mask_number_word_screen_ar() to service_role;

create or replace function public.mask_number_word_screen_en() returns text
language sql immutable parallel safe set search_path = '' as $$
  select '(?:^|[^a-z])(?:'
    || public.mask_alternation(array_agg(k) filter (where k ~ '^[a-z]+$'))
    || ')(?:[^a-z]|$)|(?:^|[^a-z])(?:'
    || public.mask_alternation(array_agg(k) filter (where k ~ '[0-9]'))
    || ')'
  from jsonb_object_keys(public.mask_number_words()) k
$$;
revoke execute on function public.mask_number_word_screen_en() from public, anon, authenticated;
grant execute on function public.mask_number_word_screen_en() to service_role;

-- Number words to digits: as in 20251202000200, with the text lowered once
-- (not word by word), one statement for a word that cannot count and the
-- place of a word worked out only when it counts; a phrase of one number
-- word (not «و» and a word) is its value at once.
create or replace function public.mask_number_words_to_digits(p_text text)
returns text language plpgsql immutable parallel safe set search_path = '' as $$
declare
  words constant jsonb := public.mask_number_words();
  tok constant text := '[a-z]+(?:[0-9][a-z]*)?|[\u0621-\u064A\u066E-\u06D3]+';
  s text := p_text;
  f record;
  k integer;
  t text;
  b integer;
  e integer;
  wb integer[] := '{}';
  we integer[] := '{}';
  phrase_b integer[] := '{}';
  phrase_e integer[] := '{}';
  n integer;
  hit text;
  rep text;
  rel integer;
  sub text;
  parts text[];
  pos integer;
begin
  -- the words by one pass that brackets each: parts[1] is the text before
  -- the first, parts[k] a word, chr(5) and the text up to the next (a text
  -- holding chr(4) is cut into the same parts from mask_spans)
  if strpos(p_text, chr(4)) = 0 then
    parts := string_to_array(lower(regexp_replace(p_text, tok, chr(4) || '\&' || chr(5), 'gi')), chr(4));
  else
    select * into f from public.mask_spans(p_text, tok, 'i');
    parts := array[left(p_text, coalesce(lower(f.spans[1]), length(p_text) + 1) - 1)];
    for k in 1 .. cardinality(f.spans) loop
      parts := parts || (f.texts[k] || chr(5) || substr(p_text, upper(f.spans[k]),
                          coalesce(lower(f.spans[k + 1]), length(p_text) + 1) - upper(f.spans[k])));
    end loop;
    parts := array(select lower(u.x) from unnest(parts) with ordinality u(x, o) order by u.o);
  end if;
  -- (the parts are lowered: one lower() over the text, not one per word;
  -- lowering keeps the number of characters)
  for k in 2 .. cardinality(parts) loop
    -- only the words that can count: a number word, «و» and one, or
    -- letters with digits (one statement for every other word, and no
    -- running place: a word's place is worked out when it counts)
    continue when not (words ? split_part(parts[k], chr(5), 1)
                       or (left(parts[k], 1) = 'و' and words ? substr(split_part(parts[k], chr(5), 1), 2))
                       or translate(split_part(parts[k], chr(5), 1), '0123456789', '') <> split_part(parts[k], chr(5), 1));
    t := split_part(parts[k], chr(5), 1);
    -- 1 + the characters before it, less the chr(5) of each word before it
    b := 1 + length(array_to_string(parts[1:k - 1], '')) - (k - 2);
    e := b + length(t);
    if words ? t then
      wb := wb || b;
      we := we || e;
    elsif left(t, 1) = 'و' and words ? substr(t, 2) then
      wb := wb || b;                            -- «وعشرين»
      we := we || e;
    elsif translate(t, '0123456789', '') <> t then
      -- "five1two" in "05five1two34567": the letter runs one by one
      rel := 1;
      foreach sub in array regexp_split_to_array(t, '[0-9]+') loop
        continue when sub = '';
        rel := strpos(substr(t, rel), sub) + rel - 1;
        if words ? sub then
          wb := wb || (b + rel - 1);
          we := we || (b + rel - 1 + length(sub));
        end if;
        rel := rel + length(sub);
      end loop;
    end if;
  end loop;
  n := coalesce(array_length(wb, 1), 0);
  if n = 0 then
    return s;
  end if;
  b := wb[1];
  e := we[1];
  for k in 2 .. n + 1 loop
    if k <= n and length(btrim(substr(p_text, e, wb[k] - e), E' \x01,،-_.*|/:و0123456789')) = 0 then
      e := we[k];
    else
      phrase_b := phrase_b || b;
      phrase_e := phrase_e || e;
      if k <= n then
        b := wb[k];
        e := we[k];
      end if;
    end if;
  end loop;
  for k in reverse array_length(phrase_b, 1) .. 1 loop
    hit := substr(s, phrase_b[k], phrase_e[k] - phrase_b[k]);
    -- (a phrase of one number word, not «و» and a word or digits, is its
    -- value: mask_phrase_digits would cut it into that one word)
    t := lower(hit);
    if words ? t and not (words ->> t in ('x2', 'x3', 'h'))
       and not (left(t, 1) = 'و' and length(t) > 1
                and (words ? substr(t, 2) or translate(substr(t, 2), '0123456789', '') = '')) then
      rep := ((words ->> t)::integer)::text;
    else
      rep := public.mask_phrase_digits(hit);
    end if;
    if rep is not null and length(rep) <= length(hit) then
      s := overlay(s placing rep || repeat(chr(1), length(hit) - length(rep))
                   from phrase_b[k] for length(hit));
    end if;
  end loop;
  return s;
end
$$;

-- The scanner: as in 20251202000200, with the changes above.
create or replace function public.mask_contact_scan(
  p_text text, p_mask_loose boolean default false,
  out masked text, out hits text[], out suspects text[], out loose_digits text)
language plpgsql immutable parallel safe set search_path = '' as $$
declare
  L constant text := 'a-z\u0621-\u064A\u066E-\u06D3';
  -- (the lists of words factored into tries: mask_alternation)
  tld constant text := public.mask_alternation(string_to_array(public.mask_tld_pattern(), '|'));
  -- Extensions of files people send, not domains, when written without a scheme.
  -- without ai py sh md rs pl ps so am is to no my it in at be do as by: file
  -- extensions and words, not domains, when written without a scheme
  tld_bare constant text := public.mask_alternation(string_to_array('com|كوم|net|org|info|biz|io|co|me|app|dev|xyz|online|site|store|shop|tech|link|page|blog|art|design|studio|agency|digital|media|email|live|life|world|today|space|website|club|pro|name|mobi|tv|cc|ly|gg|gl|ee|gd|gy|fm|bio|click|one|top|vip|work|works|solutions|services|company|network|group|center|global|cloud|host|social|chat|contact|plus|video|photo|photos|gallery|graphics|marketing|academy|news|lol|wtf|fun|icu|cyou|buzz|rocks|ninja|guru|expert|tips|zone|team|run|gov|edu|mil|int|museum|aero|jobs|travel|cat|asia|tel|ac|ad|ae|af|ag|al|ao|aq|ar|au|aw|ax|az|ba|bb|bd|bf|bg|bh|bi|bj|bm|bn|bo|br|bs|bt|bw|bz|ca|cd|cf|cg|ch|ci|ck|cl|cm|cn|cr|cu|cv|cw|cx|cy|cz|de|dj|dk|dm|dz|ec|eg|er|es|et|eu|fi|fj|fk|fo|fr|ga|ge|gf|gh|gi|gm|gn|gp|gq|gr|gs|gt|gu|gw|hk|hm|hn|hr|ht|hu|id|ie|il|im|iq|ir|je|jm|jo|jp|ke|kg|kh|ki|km|kn|kp|kr|kw|ky|kz|la|lb|lc|li|lk|lr|ls|lt|lu|lv|ma|mc|mg|mh|mk|ml|mm|mn|mo|mp|mq|mr|mt|mu|mv|mw|mx|mz|na|nc|ne|nf|ng|ni|nl|np|nr|nu|nz|om|pa|pe|pf|pg|ph|pk|pm|pn|pr|pt|pw|qa|re|ro|ru|rw|sa|sb|sc|sd|se|sg|si|sk|sl|sm|sn|sr|ss|st|su|sv|sx|sy|sz|tc|td|tf|tg|th|tj|tk|tl|tm|tn|tr|tt|tw|tz|ua|ug|uk|us|uy|uz|va|vc|ve|vg|vi|vn|vu|wf|ws|ye|yt|za|zm|zw', '|'));
  platform constant text := public.mask_platform_pattern('all');
  platform_ar constant text := public.mask_platform_pattern('ar');
  platform_en constant text := public.mask_platform_pattern('en');
  cue constant text := public.mask_cue_pattern('all');
  cue_ar constant text := public.mask_cue_pattern('ar');
  cue_en constant text := public.mask_cue_pattern('en');
  -- a number followed by a unit is a quantity, a price or a size (a unit in
  -- Latin letters must end the word: "5 mango" is no unit), tested on the
  -- start of the text after the number, its decimals ("1,500 SAR": both
  -- groups) and spaces: the units in other letters are compared by their
  -- length (left(c, n) = any ...: the words of the expression `units` of
  -- 20251201000700, which cost a run of the expression engine per group);
  -- prefix_end: a currency, a version or an order word before a number,
  -- matched at the end of the text before a group and its first digit.
  prefix_end constant text := '(?:\$|sar|usd|aed|€|£|ريال|version|الإصدار|الاصدار|إصدار|اصدار|نسخة|#|order|invoice|ref|ticket|sku|طلب|فاتورة|الفاتورة|الطلب|تذكرة|مرجع)[\s\x01:]*(?:رقم|no\.?|number)?[\s\x01:#]*[0-9]$';
  -- the first letters of the units, and the last ones of the prefixes: cheap
  -- tests that spare most groups the expressions
  unit_first constant text := '%٪$€£بصمردجأاآقسكثيشتفحن';
  -- the units in Latin letters, which must be the whole word
  units_latin constant text[] := array['percent', 'k', 'm', 'am', 'pm', 'sar', 'sr', 'usd', 'aed', 'egp',
    'px', 'cm', 'mm', 'kg', 'km', 'mb', 'gb', 'kb', 'tb', 'fps', 'dpi', 'hz', 'word', 'words', 'page',
    'pages', 'video', 'videos', 'post', 'posts', 'design', 'designs', 'day', 'days', 'hour', 'hours',
    'hr', 'hrs', 'min', 'mins', 'minute', 'minutes', 'week', 'weeks', 'month', 'months', 'year',
    'years', 'piece', 'pieces', 'pcs', 'item', 'items', 'unit', 'units', 'sec', 'second', 'seconds'];
  fillers constant text[] := array['و', 'ثم', 'بعدين', 'بعده', 'بعدها', 'وبعدين', 'وبعده', 'وبعدها', 'and', 'then',
    'next', 'dash', 'space', 'مسافة', 'شرطة'];
  plain constant text[] := array[
    'ads', 'ad', 'and', 'or', 'the', 'a', 'an', 'is', 'are', 'to', 'for', 'with', 'in', 'on',
    'at', 'of', 'my', 'me', 'you', 'your', 'our', 'we', 'it', 'this', 'that', 'campaign',
    'campaigns', 'marketing', 'content', 'story', 'stories', 'reel', 'reels', 'post', 'posts',
    'video', 'videos', 'page', 'pages', 'account', 'accounts', 'filter', 'filters', 'lens',
    'lenses', 'premium', 'business', 'profile', 'followers', 'likes', 'views', 'live', 'shop',
    'store', 'team', 'group', 'groups', 'channel', 'api', 'pixel', 'manager', 'strategy', 'plan',
    'package', 'design', 'designs', 'photo', 'photos', 'creator', 'influencer', 'influencers',
    'boost', 'promotion', 'promo', 'also', 'too', 'only', 'please', 'thanks', 'thank', 'ok',
    'okay', 'yes', 'no', 'link', 'links', 'spotlight', 'shorts', 'tweets', 'tweet', 'thread',
    'bio', 'highlights', 'ads.', 'analytics', 'insights', 'audience', 'reach', 'engagement',
    'organic', 'paid', 'budget', 'growth', 'brand', 'logo', 'media', 'social', 'platform',
    'platforms', 'messages', 'message', 'calls', 'call', 'status', 'community', 'ecommerce',
    'stream', 'streaming', 'sa', 'ksa', 'saudi', 'uae', 'egypt', 'riyadh', 'jeddah', 'both',
    'plus', 'pro', 'lite', 'web', 'desktop', 'mobile', 'app', 'apps'];
  not_names constant text[] := array['snap', 'snapchat', 'insta', 'instagram', 'twitter', 'tiktok', 'telegram',
    'tele', 'whatsapp', 'whats', 'facebook', 'linkedin', 'discord', 'youtube', 'behance', 'dribbble', 'skype',
    'threads', 'signal', 'viber', 'wechat', 'gmail', 'hotmail', 'outlook', 'yahoo', 'icloud', 'username',
    'handle', 'email', 'mail', 'user', 'account'];
  w record;
  mt text[];
  arabic boolean;
  has_cue boolean;
  wb integer;
  win text;
  o text := coalesce(p_text, '');
  m text;
  d text;
  f record;
  parts text[];
  spans int4range[] := '{}';
  r int4range;
  kinds text[] := '{}';
  sus text[] := '{}';
  -- digit groups
  gs integer[];         -- where each group starts and ends: worked out when needed
  ge integer[];
  gd text[];
  benign boolean[] := '{}';
  parts_tail text;
  gl text[];
  has_prefix boolean;
  lowered boolean;
  gap text[] := '{}';   -- kind of the gap before group k: 't'ight, 'w'ide, 'b'reak
  gsep text[] := '{}';
  ng integer := 0;
  pos integer;
  b integer;
  e integer;
  a integer;
  k integer;
  j integer;
  c text;
  lead text;
  all_tight boolean;
  latin boolean;
  trig text;
  dl text;
  has_digit boolean;
  has_platform boolean;
  nwords integer;
  best integer;
  found boolean;
  context boolean;
  loose text := '';
  is_list boolean;
  prev integer;
  hit text;
  res text;
  pat text;
  out_text text;
  last integer;
begin
  masked := o;
  hits := '{}';
  suspects := '{}';
  loose_digits := '';
  if o = '' then
    return;
  end if;

  -- 1. Normalise ------------------------------------------------------------
  -- (normalising costs a pass that builds the text again; the test that
  -- it is already normal costs a third of it, and most texts are)
  if o is nfkc normalized then
    m := o;
  else
    m := normalize(o, nfkc);
  end if;
  -- invisible and joining marks, tatweel, variation selectors, keycap
  -- combiner, tags and skin tones go; unusual spaces become a space
  m := regexp_replace(m, '[\u00AD\u034F\u061C\u0640\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\u20E3\u3164\uFE00-\uFE0F\uFEFF\uFFA0\U000E0001\U000E0020-\U000E007F\U000E0100-\U000E01EF\U0001F3FB-\U0001F3FF]', '', 'g');
  m := replace(m, '🔟', '10');
  -- (only when there is one: translate() walks its list for every character)
  if m ~ '[\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000\t\r]' then
    m := translate(m, E'\u00A0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200A\u2028\u2029\u202F\u205F\u3000\t\r',
                   '                    ');
  end if;
  -- digits of every script to ASCII (NFKC already did full-width, mathematical
  -- and circled ones)
  -- (the digits are translated piece by piece: translate() over the whole
  -- text costs as much as the rest of the pipeline)
  d := m;
  -- (the expression that splits them, so that one place in the cache is used)
  if d ~ '[\u0660-\u0669\u06F0-\u06F9\u0966-\u096F\u09E6-\u09EF\u0A66-\u0A6F\u0AE6-\u0AEF\u0B66-\u0B6F\u0BE6-\u0BEF\u0C66-\u0C6F\u0CE6-\u0CEF\u0D66-\u0D6F\u0E50-\u0E59\u0ED0-\u0ED9\u0F20-\u0F29\u1040-\u1049\u17E0-\u17E9\u1810-\u1819\u24F5-\u24FF\u2776-\u2793\u3002\uFF61\u066B\u066C]+' then
    select string_agg(p.part || coalesce(translate(x.g[1],
      '٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹०१२३४५६७८९০১২৩৪৫৬৭৮৯੦੧੨੩੪੫੬੭੮੯૦૧૨૩૪૫૬૭૮૯୦୧୨୩୪୫୬୭୮୯௦௧௨௩௪௫௬௭௮௯౦౧౨౩౪౫౬౭౮౯೦೧೨೩೪೫೬೭೮೯൦൧൨൩൪൫൬൭൮൯๐๑๒๓๔๕๖๗๘๙໐໑໒໓໔໕໖໗໘໙༠༡༢༣༤༥༦༧༨༩၀၁၂၃၄၅၆၇၈၉០១២៣៤៥៦៧៨៩᠐᠑᠒᠓᠔᠕᠖᠗᠘᠙⓿❶❷❸❹❺❻❼❽❾➀➁➂➃➄➅➆➇➈➊➋➌➍➎➏➐➑➒⓵⓶⓷⓸⓹⓺⓻⓼⓽。｡٬٫',
      '012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789123456789123456789123456789..,.'), ''), '' order by p.o)
      into d
      from unnest(regexp_split_to_array(d, '[\u0660-\u0669\u06F0-\u06F9\u0966-\u096F\u09E6-\u09EF\u0A66-\u0A6F\u0AE6-\u0AEF\u0B66-\u0B6F\u0BE6-\u0BEF\u0C66-\u0C6F\u0CE6-\u0CEF\u0D66-\u0D6F\u0E50-\u0E59\u0ED0-\u0ED9\u0F20-\u0F29\u1040-\u1049\u17E0-\u17E9\u1810-\u1819\u24F5-\u24FF\u2776-\u2793\u3002\uFF61\u066B\u066C]+')) with ordinality p(part, o)
      left join regexp_matches(d, '[\u0660-\u0669\u06F0-\u06F9\u0966-\u096F\u09E6-\u09EF\u0A66-\u0A6F\u0AE6-\u0AEF\u0B66-\u0B6F\u0BE6-\u0BEF\u0C66-\u0C6F\u0CE6-\u0CEF\u0D66-\u0D6F\u0E50-\u0E59\u0ED0-\u0ED9\u0F20-\u0F29\u1040-\u1049\u17E0-\u17E9\u1810-\u1819\u24F5-\u24FF\u2776-\u2793\u3002\uFF61\u066B\u066C]+', 'g') with ordinality x(g, o) on x.o = p.o;
  end if;
  latin := lower(d) <> upper(d);
  has_digit := d ~ '[0-9]+';
  -- bracketed symbols, spelled «at» and «dot» (one pattern)
  trig := '[(\[{<][^)\]}>]{0,8}[)\]}>]|\s(?:at|arroba|آت|أت|ات)\s+[a-z][a-z0-9\-]*\s*(?:\.\s*[a-z]{2}|dot|\(|\[|\{|دوت|نقطة)|\s(?:at|arroba|آت|أت|ات)\s+(?:gmail|hotmail|outlook|yahoo|icloud|جي ?ميل|جيمل|هوت ?ميل|ياهو)|(?:^|[^a-z])(?:dot|period)(?:[^a-z]|$)|دوت|نقطة|علامة|at ?sign';
  -- (without Latin letters only its forms without them can match)
  if (latin and d ~* trig)
     or (not latin and d ~ '[(\[{<][^)\]}>]{0,8}[)\]}>]|\s(?:آت|أت|ات)\s+(?:جي ?ميل|جيمل|هوت ?ميل|ياهو)|دوت|نقطة|علامة') then
    d := public.mask_rewrite_near(d, trig,
      '[\s\x01]*(?:[(\[{<]\s*(?:at|آت|ات|أت|@|dot|\.|نقطة|دوت|period)\s*[)\]}>]|علامة\s*(?:@|at|ات|آت)|at\s*sign'
      || '|(?<![a-z])dot(?![a-z])|دوت|(?<=[a-z0-9])\s*نقطة\s*(?=[a-z])|(?<![a-z])period(?=\s*(?:com|net|org|sa|me)(?![a-z]))'
      || '|(?<=[a-z0-9_])\s+(?:at|arroba|آت|أت|ات)\s+(?=(?:gmail|hotmail|outlook|yahoo|icloud|جي ?ميل|جيمل|هوت ?ميل|ياهو)|[a-z0-9\-]+[\s\x01]*(?:\.|dot|\(dot\)|\[dot\]|دوت|نقطة)))[\s\x01]*',
      'atdot');
  end if;
  -- spaced letters: "a h m e d", "0 5 5", "g m a i l"
  if latin then
    d := public.mask_rewrite_near(d, '[a-z@._][ \x01][a-z@._][ \x01][a-z@._][ \x01][a-z@._]',
      '(?<![a-z0-9])(?:[a-z0-9@._][ \x01]){3,}[a-z0-9@._](?![a-z0-9])', 'squeeze');
  end if;
  -- number words -> digits (when one of the words is there at all)
  -- (the screen in two: Arabic words, and Latin ones only when the text
  -- has Latin letters; two smaller automata cost less than one large)
  if d ~ public.mask_number_word_screen_ar() or (latin and d ~* public.mask_number_word_screen_en()) then
    d := public.mask_number_words_to_digits(d);
  end if;
  -- look-alike letters next to digits: O/o -> 0, l/I/| -> 1, Arabic ا -> 1, ه -> 5
  has_digit := d ~ '[0-9]+';
  if has_digit and d ~ '[0-9][oOlIاه]|[oOlI][0-9]' then
    d := regexp_replace(d, '(?<=[0-9])[oO](?=[0-9oO])|(?<![a-zA-Z])[oO](?=[0-9])|(?<=[0-9])[oO](?![a-zA-Z])', '0', 'g');
    d := regexp_replace(d, '(?<=[0-9])[lI](?=[0-9lI])|(?<![a-zA-Z])[lI](?=[0-9]{2})|(?<=[0-9]{2})[lI](?![a-zA-Z])', '1', 'g');
    -- «ا» or «ه» alone between two digit groups (the pieces between the
    -- groups, found by the expression that finds the groups)
    if strpos(d, 'ا') > 0 or strpos(d, 'ه') > 0 then
      parts := regexp_split_to_array(d, '[0-9]+');
      if 'ا' = any (parts[2:cardinality(parts) - 1]) or 'ه' = any (parts[2:cardinality(parts) - 1]) then
        select string_agg(case when p.o between 2 and cardinality(parts) - 1 and p.part = 'ا' then '1'
                               when p.o between 2 and cardinality(parts) - 1 and p.part = 'ه' then '5'
                               else p.part end || coalesce(x.g[1], ''), '' order by p.o)
          into d
          from unnest(parts) with ordinality p(part, o)
          left join regexp_matches(d, '[0-9]+', 'g') with ordinality x(g, o) on x.o = p.o;
      end if;
    end if;
  end if;

  -- 2. Emails ----------------------------------------------------------------
  if strpos(d, '@') > 0 then
    -- spaces around '@' and around a '.' near it become pads (a regex with
    -- optional spaces everywhere is several times slower)
    -- (only when there is such a space at all)
    if d ~* '\s@|@\s|\s\.\s*[a-z]{2}|[a-z0-9]\.\s+[a-z]{2}' then
    d := public.mask_rewrite_near(d, '@', '\s+@\s+|(?<=[a-z0-9])@\s+|\s+\.\s*(?=[a-z]{2})|(?<=[a-z0-9])\.\s+(?=[a-z]{2,}(?:\s|$|[^a-z]))', 'atdot');
    end if;
    pat := '[a-z0-9_%+\-](?:[a-z0-9._%+\-\x01]*[a-z0-9_%+\-])?\x01*@\x01*[a-z0-9\-]+(?:\x01*\.\x01*[a-z0-9\-]+)*\x01*\.\x01*(?:' || tld || ')(?![a-z])'
      || '|[a-z0-9._%+\-]+\x01*@\x01*(?:gmail|googlemail|hotmail|outlook|live|yahoo|icloud|proton(?:mail)?|aol|yandex|gmx|zoho|جيميل|جي ميل|جيمل|هوتميل|ياهو)(?:\x01*[.\s]\x01*(?:com|net)(?![a-z]))?';
    select * into f from public.mask_spans_near(d, '@', pat, 'i', 80, 80);
    foreach r in array f.spans loop
      spans := spans || r;
      d := overlay(d placing repeat(chr(2), upper(r) - lower(r)) from lower(r) for upper(r) - lower(r));
      kinds := kinds || 'email'::text;
    end loop;
  end if;

  -- 3. Links -----------------------------------------------------------------
  if latin and (strpos(d, '.') > 0 or strpos(d, '/') > 0 or d ilike '%www%' or d ilike '%linktr%' or d ilike '%beacons%') then
    if d ilike '%.net%' then
      d := public.mask_rewrite(d, '(?<![a-z])(?:asp|vb|ado)\.net(?![a-z])', 'blank');
    end if;
    pat := '(?:h[xt]{2}ps?|ftp)\x01*:\x01*/\x01*/[^\s]*'
      || '|www\x01*\.\x01*[^\s]+'
      || '|www[\s\x01.]+[a-z0-9\-]+[\s\x01.]+(?:' || tld || ')(?![a-z])[^\s]*'
      || '|(?<![a-z0-9@._\-])(?:[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?\x01*\.\x01*)+(?:' || tld_bare || ')(?![a-z0-9\-])(?:\x01*/[^\s]*)?'
      || '|(?<![a-z0-9@._\-])(?:wa|t|beacons|lnk|bio|about|linktr|bit|cutt|rb|is|tinyurl|taplink|carrd)\x01*\.\x01*(?:me|ai|bio|link|ee|ly|gy|gd|com|co|ink)(?![a-z0-9])(?:\x01*/[^\s]*)?'
      || '|(?:linktree|linktr\.ee|beacons|taplink|lnk\.bio|campsite\.bio)\x01*/\x01*[a-z0-9_.\-]+'
      || '|(?<![a-z])(?:wa|t) me\x01*/\x01*[^\s]+'
      || '|(?:instagram|facebook|fb|twitter|x|tiktok|snapchat|linkedin|youtube|behance|dribbble|github|t)\x01*[. ]?\x01*(?:com|me)\x01*/\x01*[^\s]+';
    -- (every form above holds one of these; a full stop after a word does not)
    select * into f from public.mask_spans_near(d,
      '[a-z0-9][\x01]*\.[\x01]*[a-z]|:[\s\x01]*/|www|/|linktr|beacons|\.\x01*كوم', pat, 'i', 80, 160);
    foreach r in array f.spans loop
      b := lower(r);
      e := upper(r);
      -- a trailing full stop or bracket belongs to the sentence
      hit := substr(d, b, e - b);
      e := e - (length(hit) - length(rtrim(hit, '.,،)]"''!?؟')));
      if e > b then
        spans := spans || int4range(b, e);
        d := overlay(d placing repeat(chr(2), e - b) from b for e - b);
        kinds := kinds || 'link'::text;
      end if;
    end loop;
  end if;

  -- 4. Phones ----------------------------------------------------------------
  -- where a platform or a cue is named (Arabic and Latin apart: one
  -- alternation of both is much slower in PostgreSQL's regex engine)
  select * into w from public.mask_spans(d, platform_ar || '|' || cue_ar, '');
  if latin then
    select * into f from public.mask_spans(d, platform_en || '|' || cue_en, 'i');
    w.spans := w.spans || f.spans;
    w.texts := w.texts || f.texts;
  end if;
  has_platform := cardinality(w.spans) > 0;
  -- (the phone words in Arabic, and the Latin ones only when the text has
  -- Latin letters: rewriting never adds one)
  context := has_digit and (has_platform or d ~ 'رقم|جوال|موبايل|تلفون|تليفون|هاتف|اتصل|كلمني|كلّمني|دق علي'
                            or (latin and d ~* 'phone|number|mobile|cell|call|whatsapp|tel:'));
  if has_digit then
    -- the digit groups and what lies between them
    dl := lower(d);
    lowered := length(dl) = length(d);
    if not lowered then
      dl := d;
    end if;
    -- the groups and the text before, between and after them: two splits,
    -- no loop (where each group starts is worked out only when it is
    -- needed: an order word or a version before a group, a run of groups
    -- long enough for a phone, loose digits to mask)
    gd := array_remove(regexp_split_to_array(d, '[^0-9]+'), '');
    ng := cardinality(gd);
    parts := regexp_split_to_array(d, '[0-9]+');
    gsep := parts[1:ng];
    parts_tail := parts[ng + 1];
    -- the same pieces as the text the units and prefixes are read in (lowered
    -- when lowering keeps the length): one lower() over them all, not one
    -- per group
    if not lowered then
      gl := parts;
    elsif strpos(d, chr(6)) = 0 then
      gl := string_to_array(lower(array_to_string(parts, chr(6))), chr(6));
    else
      gl := array(select lower(u.x) from unnest(parts) with ordinality u(x, o) order by u.o);
    end if;
    benign := array_fill(false, array[ng]);
    -- not phones: a number followed by a unit or a currency, or after a
    -- currency, a version or an order word; dates, times and sizes
    -- (a prefix before a group: tested in the loop below, group by group,
    -- when the text holds one at all: one run of the expression)
    has_prefix := dl ~ left(prefix_end, -1);
    -- (the places of the groups: for a version, a group right after a 'v')
    if strpos(array_to_string(gsep, chr(6)) || chr(6), 'v' || chr(6)) > 0
       or strpos(array_to_string(gsep, chr(6)) || chr(6), 'V' || chr(6)) > 0 then
      gs := '{}';
      ge := '{}';
      pos := 1;
      for i in 1 .. ng loop
        pos := pos + length(gsep[i]);
        gs := gs || pos;
        pos := pos + length(gd[i]);
        ge := ge || pos;
      end loop;
    end if;
    for k in 1 .. ng loop
      if length(gd[k]) <= 6 then
        -- the text after the group and its decimals, from its first non-space
        -- (lowered when lowering keeps the length)
        if k < ng and gsep[k + 1] in ('.', ',') and length(gd[k + 1]) <= 3 then
          j := k + 1;
          while j < ng and gsep[j + 1] in ('.', ',') and length(gd[j + 1]) <= 3 loop
            j := j + 1;
          end loop;
          c := left(ltrim(gl[j + 1], E' \t\n\r\f\v\x01'), 16);
        else
          c := left(ltrim(gl[k + 1], E' \t\n\r\f\v\x01'), 16);
        end if;
        -- (a unit starts with one of these)
        if strpos(unit_first || 'abcdefghijklmnopqrstuvwxyz', left(c, 1)) = 0 then
          null;
        elsif strpos('abcdefghijklmnopqrstuvwxyz', left(c, 1)) > 0 then
          -- a Latin unit is the whole word ("a.m." and "p.m." aside)
          hit := left(c, length(c) - length(ltrim(c, 'abcdefghijklmnopqrstuvwxyz')));
          if hit = any (units_latin)
             or (hit in ('a', 'p') and substr(c, 2, 3) = '.m.'
                 and (length(c) = 4 or strpos('abcdefghijklmnopqrstuvwxyz', substr(c, 5, 1)) = 0)) then
            benign[k] := true;
          end if;
        elsif left(c, 1) = any (array['%', '٪', '$', '€', '£'])
              or left(c, 2) = any (array['رس', 'سم'])
              or left(c, 3) = any (array['ر.س', 'ألف', 'الف', 'ملم', 'كجم', 'متر', 'يوم', 'شهر', 'سنة', 'سنه', 'حبة', 'حبه', 'مرة', 'مره'])
              or left(c, 4) = any (array['صباح', 'مساء', 'ريال', 'جنيه', 'درهم', 'آلاف', 'الاف', 'ميجا', 'ميقا', 'جيجا', 'قيقا', 'بكسل', 'كيلو', 'ساعة', 'ساعه', 'أيام', 'ايام', 'أشهر', 'اشهر', 'شهور', 'سنين', 'صفحة', 'صفحه', 'كلمة', 'كلمه', 'قطعة', 'قطعه', 'نسخة', 'نسخه', 'مرات'])
              or left(c, 5) = any (array['دولار', 'دينار', 'مليون', 'دقيقة', 'دقيقه', 'دقايق', 'دقائق', 'ساعات', 'اسبوع', 'أسبوع', 'سنوات', 'منشور', 'تصميم', 'فيديو', 'صفحات', 'كلمات', 'ثانية', 'ثانيه', 'ثواني'])
              or left(c, 6) = any (array['بالمية', 'بالميه', 'أسابيع', 'اسابيع', 'تصاميم']) then
          benign[k] := true;
        end if;
      end if;
      if benign[k] then
        null;
      -- a prefix (prefix_end) ends with the first digit of group k exactly
      -- when the text between the group before and this one, and that
      -- digit, match it at their end (a match holds no other digit); the
      -- expression runs only on such a text that can end so: one that
      -- holds a '#', or whose last character, past spaces, ':' and '#',
      -- ends a prefix word or could be a space the trim does not know (not
      -- ASCII, not in the Arabic block)
      elsif ((has_prefix and (strpos(gsep[k], '#') > 0
              or strpos('$rd€£لnرةeftuبعمo.', coalesce(nullif(right(rtrim(gl[k], E' \t\n\r\f\v\x01:#'), 1), ''), '~')) > 0
              or ascii(right(rtrim(gl[k], E' \t\n\r\f\v\x01:#'), 1)) between 128 and 1535
              or ascii(right(rtrim(gl[k], E' \t\n\r\f\v\x01:#'), 1)) > 1791)
             and gl[k] || '0' ~ prefix_end)
           or (right(gsep[k], 1) in ('v', 'V') and gs[k] > 2 and substr(dl, gs[k] - 1, 1) = 'v'
                and strpos('abcdefghijklmnopqrstuvwxyz', substr(dl, gs[k] - 2, 1)) = 0)) then
        benign[k] := true;
        -- the decimals and parts of a version that follow
        j := k;
        while j < ng and btrim(gsep[j + 1]) in ('.', ',') loop
          j := j + 1;
          benign[j] := true;
        end loop;
      end if;
      -- (only a one-character separator can start a time, a size or a date;
      -- none after the last group)
      c := btrim(gsep[k + 1], ' ' || chr(1));
      if length(c) = 1 and strpos(':x×-/.', c) > 0 then
        -- hh:mm(:ss), not a longer chain
        if c = ':' and (k = 1 or btrim(gsep[k], ' ') <> ':') and length(gd[k]) <= 2 and gd[k]::integer <= 23
           and length(gd[k + 1]) = 2 and gd[k + 1]::integer <= 59 then
          if k + 2 > ng or btrim(gsep[k + 2], ' ') <> ':' then
            benign[k] := true; benign[k + 1] := true;
          elsif length(gd[k + 2]) = 2 and gd[k + 2]::integer <= 59
                and (k + 3 > ng or btrim(gsep[k + 3], ' ') <> ':') then
            benign[k] := true; benign[k + 1] := true; benign[k + 2] := true;
          end if;
        end if;
        -- sizes: 1080x1920, 30 × 40
        if c in ('x', '×') and length(gd[k]) between 2 and 4 and length(gd[k + 1]) between 2 and 4
           and (k = 1 or btrim(gsep[k], ' ') not in ('x', '×'))
           and (k + 2 > ng or btrim(gsep[k + 2], ' ') not in ('x', '×')) then
          benign[k] := true; benign[k + 1] := true;
        end if;
        -- dates: d/m/y and y-m-d with the same separator, not a longer chain
        if k + 2 <= ng and c in ('-', '/', '.') and gsep[k + 2] = gsep[k + 1] and gsep[k + 1] = c
           and (k = 1 or gsep[k] <> c) and (k + 3 > ng or gsep[k + 3] <> c) then
          if (length(gd[k]) <= 2 and gd[k]::integer between 1 and 31 and gd[k + 1]::integer between 1 and 12
              and length(gd[k + 1]) <= 2 and (length(gd[k + 2]) = 2 or (length(gd[k + 2]) = 4 and left(gd[k + 2], 2) in ('19', '20'))))
             or (length(gd[k]) = 4 and left(gd[k], 2) in ('19', '20') and length(gd[k + 1]) <= 2 and gd[k + 1]::integer between 1 and 12
                 and length(gd[k + 2]) <= 2 and gd[k + 2]::integer between 1 and 31) then
            benign[k] := true; benign[k + 1] := true; benign[k + 2] := true;
          end if;
        end if;
      end if;
    end loop;
    -- the kind of gap before each group: read by the windows only where
    -- that group and the one before it are not benign, so only there
    -- worked out ('b' elsewhere, and before the first group)
    gap := array_fill('b'::text, array[ng]);
    for k in 2 .. ng loop
      continue when benign[k] or benign[k - 1];
      c := gsep[k];
      if length(c) <= 12 and strpos(c, chr(2)) = 0
         and translate(c, ' ' || chr(1) || ',،.-:/|*_()[]+~—' || chr(10), '') = '' then
        gap[k] := 't';   -- separators only
      elsif strpos(c, chr(2)) > 0 or length(c) > 40 then
        gap[k] := 'b';
      else
        -- the words in the gap are counted only when they can matter
        if length(c) > 30 or (length(c) > 12 and length(translate(c, E'\n.!?؟', '')) <> length(c)) then
          gap[k] := 'b';
        else
          nwords := 0;
          if length(translate(c, ' ' || chr(1) || ',،.-:/|*_()[]+~—' || chr(10), '')) > 0 then
            foreach hit in array regexp_split_to_array(lower(c), '[^a-z\u0621-\u064A\u066E-\u06D3]+') loop
              if hit <> '' and hit <> all (fillers) then
                nwords := nwords + 1;
              end if;
            end loop;
          end if;
          gap[k] := case
            when nwords = 0 and length(c) <= 12 then 't'
            when nwords <= 3 and length(c) <= 30 and length(translate(c, E'\n.!?؟', '')) = length(c) then 'w'
            else 'b' end;
        end if;
      end if;
    end loop;
    -- windows of groups
    if gs is null and p_mask_loose then
      gs := '{}';
      ge := '{}';
      pos := 1;
      for i in 1 .. ng loop
        pos := pos + length(gsep[i]);
        gs := gs || pos;
        pos := pos + length(gd[i]);
        ge := ge || pos;
      end loop;
    end if;
    a := 1;
    while a <= ng loop
      found := false;
      if benign[a] then
        a := a + 1;      -- a price, a quantity, a size: no piece of a phone
        continue;
      end if;
      -- a run of groups too short to hold a phone is skipped at once
      j := a;
      k := length(gd[a]);
      while j < ng and gap[j + 1] <> 'b' and not benign[j + 1] loop
        j := j + 1;
        k := k + length(gd[j]);
      end loop;
      if k < 8 and not p_mask_loose then
        loose := loose || array_to_string(gd[a:j], '');
        a := j + 1;
        continue;
      end if;
      if k < 8 then
        for k in a .. j loop
          if p_mask_loose then
            b := gs[k];
            e := ge[k];
            while b > 1 and substr(d, b - 1, 1) = chr(1) loop b := b - 1; end loop;
            while e <= length(d) and substr(d, e, 1) = chr(1) loop e := e + 1; end loop;
            spans := spans || int4range(b, e);
          end if;
          loose := loose || gd[k];
        end loop;
        a := j + 1;
        continue;
      end if;
      -- a list (prices, years, days): comma or «و» separated, no leading 0,
      -- each a round figure or the list rising
      is_list := false;
      j := a;
      while j < ng and gap[j + 1] = 't' and not benign[j + 1] and btrim(gsep[j + 1], ' ' || chr(1)) in (',', '،', ';', 'و', 'and', '-', ', و', '، و', ',و', '،و') loop
        j := j + 1;
      end loop;
      if j - a >= 2 then
        is_list := true;
        prev := -1;
        for k in a .. j loop
          if left(gd[k], 1) = '0' or length(gd[k]) > 6 then is_list := false; exit; end if;
        end loop;
        if is_list then
          -- all round (prices) or strictly rising (days, years)
          is_list := true;
          for k in a .. j loop
            if not (right(gd[k], 1) in ('0', '5') and length(gd[k]) >= 2) then is_list := false; exit; end if;
          end loop;
          if not is_list then
            is_list := true;
            for k in a .. j loop
              if gd[k]::bigint <= prev then is_list := false; exit; end if;
              prev := gd[k]::bigint;
            end loop;
          end if;
        end if;
        if is_list then
          a := j + 1;  -- a list is no piece of a number
          continue;
        end if;
      end if;
      if gs is null then
        gs := '{}';
        ge := '{}';
        pos := 1;
        for i in 1 .. ng loop
          pos := pos + length(gsep[i]);
          gs := gs || pos;
          pos := pos + length(gd[i]);
          ge := ge || pos;
        end loop;
      end if;
      c := '';
      all_tight := true;
      k := a;
      lead := case when rtrim(substr(d, greatest(1, gs[a] - 8), gs[a] - greatest(1, gs[a] - 8)), ' ' || chr(1)) like '%+' then '+' else '' end;
      best := 0;
      <<grow>>
      while k <= ng loop
        if k > a then
          exit grow when gap[k] = 'b' or benign[k];
          if gap[k] = 'w' then all_tight := false; end if;
        end if;
        c := c || gd[k];
        exit grow when length(c) > 15;
        if length(c) >= 8 and public.mask_phone_shape(lead, c, all_tight, context) then
          best := k;
        end if;
        k := k + 1;
      end loop;
      if best > 0 then
        found := true;
        -- the mask covers the groups, a '+' written before them and pads
        b := gs[a];
        e := ge[best];
        if lead = '+' then
          b := length(rtrim(substr(d, 1, gs[a] - 1), ' ' || chr(1))) ;
        end if;
        while b > 1 and substr(d, b - 1, 1) = chr(1) loop b := b - 1; end loop;
        while e <= length(d) and substr(d, e, 1) = chr(1) loop e := e + 1; end loop;
        spans := spans || int4range(b, e);
        kinds := kinds || 'phone'::text;
        a := best + 1;
      end if;
      if not found then
        if p_mask_loose then
          b := gs[a];
          e := ge[a];
          while b > 1 and substr(d, b - 1, 1) = chr(1) loop b := b - 1; end loop;
          while e <= length(d) and substr(d, e, 1) = chr(1) loop e := e + 1; end loop;
          spans := spans || int4range(b, e);
        end if;
        loose := loose || gd[a];
        a := a + 1;
      end if;
    end loop;
    if context and length(loose) >= 7 then
      sus := sus || 'digits_with_phone_cue'::text;
    end if;
  end if;

  -- 5. Handles ---------------------------------------------------------------
  if latin then
    -- @name anywhere (not "@5pm")
    pat := '@(?![0-9]{1,2}(?:am|pm)?(?![a-z0-9_]))(?=[a-z0-9_.]{3})[a-z0-9_.]*[a-z_][a-z0-9_.]*';
    if strpos(d, '@') > 0 then
      select * into f from public.mask_spans(d, pat, 'i');
    else
      select '{}'::int4range[] spans, '{}'::text[] texts into f;
    end if;
    foreach r in array f.spans loop
      b := lower(r);
      hit := rtrim(substr(d, b, upper(r) - b), '.');
      e := b + length(hit);
      spans := spans || int4range(b, e);
      d := overlay(d placing repeat(chr(2), e - b) from b for e - b);
      kinds := kinds || 'handle'::text;
    end loop;
    if has_platform then
      -- P1: platform or cue, then ':' / 'is' / «هو», then a name
      -- P2: an Arabic platform or cue directly followed by a Latin name
      -- P3: "my snap ahmed", "our ig ahmed"
      -- P4: a Latin name followed by an Arabic platform («ahmed على سناب»)
      -- Right after / before each place a platform or a cue is named:
      -- P1: then ':' / 'is' / «هو», then a name (plain words too)
      -- P2: an Arabic name (or any, when a cue is present) directly followed by a Latin name
      -- P3: "my snap ahmed", "our ig ahmed"
      -- P4: a Latin name followed by an Arabic platform («ahmed على سناب»)
      has_cue := false;
      foreach hit in array w.texts loop
        has_cue := has_cue or lower(hit) like any (array['%يوزر%', '%حساب%', '%معرف%', '%ضيف%', '%ضفني%',
          '%تابع%', '%ابحث%', '%دور%', '%سيرش%', '%يميل%', '%بريد%', 'user%', 'handle', 'my %',
          'add me', 'follow me', 'find me', 'dm me', 'email', 'e-mail']);
      end loop;
      for j in 1 .. coalesce(array_length(w.spans, 1), 0) loop
        r := w.spans[j];
        win := substr(d, upper(r), 48);
        -- (a name needs Latin letters; most windows have none. After a Latin
        -- platform named with no cue, no "my"/"our" before it, a name counts
        -- only after ':', '=', '>', '→', '-', "is", «هو», «هي» (or a
        -- possessive before them): a window that starts with another letter,
        -- a digit or a mark is not read)
        mt := null;
        arabic := lower(w.texts[j]) = upper(w.texts[j]);
        if lower(win) <> upper(win)
           and (arabic or has_cue
                or rtrim(lower(substr(d, greatest(1, lower(r) - 5), lower(r) - greatest(1, lower(r) - 5)))) like any (array['%my', '%our'])
                or strpos('abcdefghjklmnopqrstuvwxyz0123456789.,!?;()"''@؟،ءآأؤإئةثجخدذرزسشصضطظعغفقكلمنوىي',
                          left(lower(ltrim(win, ' ' || chr(1))), 1)) = 0) then
        mt := regexp_match(win, '^((?:[\s\x01]+(?:حقي|حقتي|تبعي|الخاص بي|باسم|بإسم|اسمه|اسمي))?[\s\x01]*([:=>→]|-|is(?![a-z])|هو|هي|عليه|على|في)?[\s\x01]*[:=>→]?[\s\x01]*@?)([a-z][a-z0-9_.\-]{2,})(?![a-z0-9_])', 'i');
        end if;
        if mt is not null then
          hit := rtrim(mt[3], '.-');
          b := upper(r) + length(mt[1]);
          e := b + length(hit);
          if (lower(mt[2]) in (':', '=', '>', '→', '-', 'is', 'هو', 'هي')
                and lower(hit) not in ('the', 'a', 'an', 'and', 'or', 'for', 'on', 'in', 'to', 'ad', 'ads'))
             or ((arabic or has_cue
                  or rtrim(lower(substr(d, greatest(1, lower(r) - 5), lower(r) - greatest(1, lower(r) - 5)))) like any (array['%my', '%our']))
                 and not (lower(hit) = any (plain))) then
            if not (lower(hit) = any (not_names)) then
              spans := spans || int4range(b, e);
              d := overlay(d placing repeat(chr(2), e - b) from b for e - b);
              kinds := kinds || 'handle'::text;
            end if;
          end if;
        end if;
        if lower(w.texts[j]) = upper(w.texts[j]) and lower(r) > 3 then
          wb := greatest(1, lower(r) - 40);
          win := substr(d, wb, lower(r) - wb);
          -- (only when the window ends with a name, spaces and «على»/«في»)
          c := rtrim(win, E' \t\n\r\f\v\x01');
          if right(c, 3) in ('على', 'عال') then
            c := rtrim(left(c, -3), E' \t\n\r\f\v\x01');
          elsif right(c, 2) = 'في' then
            c := rtrim(left(c, -2), E' \t\n\r\f\v\x01');
          elsif right(c, 1) = 'ع' then
            c := rtrim(left(c, -1), E' \t\n\r\f\v\x01');
          end if;
          mt := null;
          if c <> '' and strpos('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-', right(c, 1)) > 0 then
            mt := regexp_match(win, '(?:^|[^a-z0-9_.@/\-])([a-z][a-z0-9_.\-]{2,})([\s\x01]*(?:على|في|عال|ع)?[\s\x01]*)$', 'i');
          end if;
          if mt is not null and not (lower(mt[1]) = any (plain)) and not (lower(mt[1]) = any (not_names)) then
            e := lower(r) - length(mt[2]);
            b := e - length(mt[1]);
            spans := spans || int4range(b, e);
            d := overlay(d placing repeat(chr(2), e - b) from b for e - b);
            kinds := kinds || 'handle'::text;
          end if;
        end if;
      end loop;
      -- handle-shaped: letters with digits, '_' or an inner '.'
      select * into f from public.mask_spans(d, '[a-z][a-z0-9_]*(?:[0-9_]|\.[a-z0-9])[a-z0-9_]*(?:\.[a-z0-9_]+)*|[0-9_]+[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*', 'i');
      for j in 1 .. coalesce(array_length(f.spans, 1), 0) loop
        hit := f.texts[j];
        b := lower(f.spans[j]);
        e := upper(f.spans[j]);
        if length(hit) >= 5
           and length(translate(hit, '0123456789_.', '')) < length(hit)
           and length(hit) - length(translate(lower(hit), 'abcdefghijklmnopqrstuvwxyz', '')) >= 2
           and (b = 1 or strpos('@/-.' || chr(2), substr(d, b - 1, 1)) = 0)
           and strpos('@' || chr(2), coalesce(nullif(substr(d, e, 1), ''), ' ')) = 0 then
          spans := spans || f.spans[j];
          d := overlay(d placing repeat(chr(2), e - b) from b for e - b);
          kinds := kinds || 'handle'::text;
        end if;
      end loop;
    end if;
  end if;
  if has_platform and cardinality(kinds) = 0
     and (d ~ 'كلمني|راسلني|تواصل معي|ضيفني|[اأ]ضفني|تابعني'
          or (latin and d ~* 'add me|dm me|message me|contact me|text me|call me|reach me')) then
    sus := sus || 'contact_request'::text;
  end if;

  loose_digits := loose;
  suspects := sus;
  if cardinality(spans) = 0 then
    return;
  end if;
  select array_agg(distinct x order by x) into hits from unnest(kinds) x;
  -- merge the spans, then rebuild the text from the normalised copy
  select array_agg(x order by lower(x)) into spans
    from unnest((select range_agg(y) from unnest(spans) y)) x;
  out_text := '';
  last := 1;
  foreach r in array spans loop
    out_text := out_text || substr(m, last, lower(r) - last) || '[🔒]';
    last := upper(r);
  end loop;
  out_text := out_text || substr(m, last);
  masked := out_text;
end
$$;
