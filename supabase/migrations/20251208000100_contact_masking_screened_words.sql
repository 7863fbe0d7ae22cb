-- =============================================================================
-- Contact masking: number words found by the Arabic screen (issue 11:
-- masking a 1,000-character message within 2 ms p95). Same results as
-- 20251207000200 (tests/chat/test_masking_identity.py compares both
-- definitions on the whole table of cases, the benchmark's messages, random
-- mixes and edge cases of this change; bench.masking_instructions counts
-- both).
--   * mask_number_words_to_digits(text, p_latin_words): when the scan's
--     Latin screen finds no number word (or the text has no Latin letter),
--     no word in Latin letters can count — a Latin word that counts is a
--     number word, or holds one between digits, bounded by no Latin letter,
--     which that screen matches — and the Arabic words that count (a
--     maximal run of the tokeniser's Arabic letters that is a number word
--     or «و» and one) are exactly the words the Arabic screen matches, with
--     the character before and after each. So they are read from that
--     screen's matches (the same expression the scan tests with: no new
--     place in the cache of compiled expressions) instead of tokenising
--     the whole text and looking every word up one PL/pgSQL statement at a
--     time. A match takes the character before a word, so the word right
--     after a match is read by strings; a match of a number word holding a
--     character the tokeniser does not take («ستّة»: the shadda) sends the
--     text the old way. The phrases are then built as before.
--   * mask_number_words_to_digits(text) keeps its results: it is the
--     two-argument function with Latin words that may count.
-- The functions keep their signatures, owners and grants (create or replace);
-- the new one is granted to service_role only, like the others.
-- =============================================================================

-- (what the shortcut relies on: every Arabic number word starts and ends
-- with one of the tokeniser's Arabic letters and holds at most 8 characters;
-- the Latin ones are Latin letters and digits only)
do $$
begin
  if exists (select 1 from jsonb_object_keys(public.mask_number_words()) k
              where k !~ '[a-z0-9]'
                and (k !~ '^[\u0621-\u064A\u066E-\u06D3]' or k !~ '[\u0621-\u064A\u066E-\u06D3]$'
                     or length(k) > 8))
     or exists (select 1 from jsonb_object_keys(public.mask_number_words()) k
                 where k ~ '[a-z0-9]' and k !~ '^[a-z0-9]+$') then
    raise exception 'mask_number_words(): a word the screen-located shortcut does not expect';
  end if;
end
$$;

create or replace function public.mask_number_words_to_digits(p_text text, p_latin_words boolean)
returns text language plpgsql immutable parallel safe set search_path = '' as $$
declare
  words constant jsonb := public.mask_number_words();
  -- the Arabic screen (the expression the scan tests with: one place in the
  -- cache of compiled expressions) and the letters of an Arabic word
  screen_ar constant text := public.mask_number_word_screen_ar();
  ar constant text := 'ءآأؤإئابةتثجحخدذرزسشصضطظعغػؼؽؾؿـفقكلمنهوىيٮٯٰٱٲٳٴٵٶٷٸٹٺٻټٽپٿڀځڂڃڄڅچڇڈډڊڋڌڍڎڏڐڑڒړڔڕږڗژڙښڛڜڝڞڟڠڡڢڣڤڥڦڧڨکڪګڬڭڮگڰڱڲڳڴڵڶڷڸڹںڻڼڽھڿۀہۂۃۄۅۆۇۈۉۊۋیۍێۏېۑےۓ';
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
  prev_k integer := 2;  -- the last word that counted, and where it starts
  prev_b integer;
  fast boolean;
  run text;
begin
  fast := not p_latin_words;
  if fast then
    -- No word in Latin letters can count (the scan's Latin screen found
    -- none): the words that count are the Arabic words (maximal runs of
    -- the letters of `ar`, the tokeniser's class) that are a number word
    -- or «و» and one — exactly the words the Arabic screen matches, with
    -- the character before and after each (not a letter of `ar`, or the
    -- text's start or end). Found by the screen's matches, not by reading
    -- every word: a match holds its word whole; the only word a match can
    -- hide from the next one is the word that starts right after it (the
    -- match took the character before that word), read here; the next
    -- match starts after that word. In order, as the loop below finds them.
    f := public.mask_spans(p_text, screen_ar, '');
    for k in 1 .. cardinality(f.spans) loop
      hit := f.texts[k];
      b := lower(f.spans[k]);
      e := upper(f.spans[k]);
      -- (the character before and after the word, when the match took
      -- them: no number word starts or ends with a character not in `ar`)
      if strpos(ar, left(hit, 1)) = 0 then
        b := b + 1;
        hit := right(hit, -1);
      end if;
      if strpos(ar, right(hit, 1)) = 0 then
        e := e - 1;
        hit := left(hit, -1);
      end if;
      -- (a number word holding a character the tokeniser does not take, as
      -- «ستّة» with its shadda, is two words for the loop below: such a
      -- match sends the whole text there)
      if ltrim(hit, ar) <> '' then
        fast := false;
        wb := '{}';
        we := '{}';
        exit;
      end if;
      wb := wb || b;
      we := we || e;
      -- the word right after the match, when the match took the character
      -- before it (a number word holds at most 8 letters: a run of 10 is
      -- no number word, nor «و» and one)
      if e < upper(f.spans[k]) then
        run := substr(p_text, upper(f.spans[k]), 10);
        run := left(run, length(run) - length(ltrim(run, ar)));
        if run <> '' and length(run) < 10
           and (words ? run or (left(run, 1) = 'و' and words ? substr(run, 2))) then
          wb := wb || upper(f.spans[k]);
          we := we || (upper(f.spans[k]) + length(run));
        end if;
      end if;
    end loop;
  end if;
  if not fast then
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
    prev_b := 1 + length(parts[1]);
    -- (the parts by foreach, each word cut from its part once: parts[k] of
    -- a flat array walks it from its first element, four times a word)
    k := 0;
    foreach t in array parts loop
      k := k + 1;
      continue when k = 1;
      -- only the words that can count: a number word, «و» and one, or
      -- letters with digits (one statement for every other word, and no
      -- running place: a word's place is worked out when it counts)
      t := split_part(t, chr(5), 1);
      continue when not (words ? t
                         or (left(t, 1) = 'و' and words ? substr(t, 2))
                         or translate(t, '0123456789', '') <> t);
      -- 1 + the characters before it, less the chr(5) of each word before it
      -- (counted from the last word that counted, not from the start)
      b := prev_b + length(array_to_string(parts[prev_k:k - 1], '')) - (k - prev_k);
      prev_k := k;
      prev_b := b;
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
  end if;
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
revoke execute on function public.mask_number_words_to_digits(text, boolean) from public, anon, authenticated;
grant execute on function public.mask_number_words_to_digits(text, boolean) to service_role;

-- The one-argument form: Latin words may count (the whole text tokenised).
create or replace function public.mask_number_words_to_digits(p_text text)
returns text language plpgsql immutable parallel safe set search_path = '' as $$
begin
  return public.mask_number_words_to_digits(p_text, true);
end
$$;

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
  -- (lean lists: a few common top-level domains, read instead of the full
  -- lists in a window where mask_tld_lean says none of the others can match;
  -- the others as jsonb keys; all folded into constants when planned)
  tld_lean constant text := public.mask_alternation(array['com', 'كوم', 'net', 'org', 'sa', 'me', 'co', 'io', 'ae']);
  tld_other constant jsonb := public.mask_tld_other(public.mask_tld_pattern(), array['com', 'كوم', 'net', 'org', 'sa', 'me', 'co', 'io', 'ae']);
  tld_bare_lean constant text := public.mask_alternation(array['com', 'كوم', 'net', 'org', 'sa', 'me', 'co', 'io', 'ae', 'ly', 'ee']);
  tld_bare_other constant jsonb := public.mask_tld_other('com|كوم|net|org|info|biz|io|co|me|app|dev|xyz|online|site|store|shop|tech|link|page|blog|art|design|studio|agency|digital|media|email|live|life|world|today|space|website|club|pro|name|mobi|tv|cc|ly|gg|gl|ee|gd|gy|fm|bio|click|one|top|vip|work|works|solutions|services|company|network|group|center|global|cloud|host|social|chat|contact|plus|video|photo|photos|gallery|graphics|marketing|academy|news|lol|wtf|fun|icu|cyou|buzz|rocks|ninja|guru|expert|tips|zone|team|run|gov|edu|mil|int|museum|aero|jobs|travel|cat|asia|tel|ac|ad|ae|af|ag|al|ao|aq|ar|au|aw|ax|az|ba|bb|bd|bf|bg|bh|bi|bj|bm|bn|bo|br|bs|bt|bw|bz|ca|cd|cf|cg|ch|ci|ck|cl|cm|cn|cr|cu|cv|cw|cx|cy|cz|de|dj|dk|dm|dz|ec|eg|er|es|et|eu|fi|fj|fk|fo|fr|ga|ge|gf|gh|gi|gm|gn|gp|gq|gr|gs|gt|gu|gw|hk|hm|hn|hr|ht|hu|id|ie|il|im|iq|ir|je|jm|jo|jp|ke|kg|kh|ki|km|kn|kp|kr|kw|ky|kz|la|lb|lc|li|lk|lr|ls|lt|lu|lv|ma|mc|mg|mh|mk|ml|mm|mn|mo|mp|mq|mr|mt|mu|mv|mw|mx|mz|na|nc|ne|nf|ng|ni|nl|np|nr|nu|nz|om|pa|pe|pf|pg|ph|pk|pm|pn|pr|pt|pw|qa|re|ro|ru|rw|sa|sb|sc|sd|se|sg|si|sk|sl|sm|sn|sr|ss|st|su|sv|sx|sy|sz|tc|td|tf|tg|th|tj|tk|tl|tm|tn|tr|tt|tw|tz|ua|ug|uk|us|uy|uz|va|vc|ve|vg|vi|vn|vu|wf|ws|ye|yt|za|zm|zw', array['com', 'كوم', 'net', 'org', 'sa', 'me', 'co', 'io', 'ae', 'ly', 'ee']);
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
  paint int4range[];
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
  ld text;
  has_digit boolean;
  has_platform boolean;
  nwords integer;
  best integer;
  found boolean;
  context boolean;
  loose text := '';
  is_list boolean;
  run_a integer := 0;   -- the run of groups last walked: first group, last, digits
  run_j integer := 0;
  run_k integer := 0;
  prev integer;
  hit text;
  res text;
  pat text;
  pat_lean text;
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
  -- (one expression finds them, tests, brackets and splits: one place in
  -- the cache; each run is translated, the text between them kept)
  if d ~ '[\u0660-\u0669\u06F0-\u06F9\u0966-\u096F\u09E6-\u09EF\u0A66-\u0A6F\u0AE6-\u0AEF\u0B66-\u0B6F\u0BE6-\u0BEF\u0C66-\u0C6F\u0CE6-\u0CEF\u0D66-\u0D6F\u0E50-\u0E59\u0ED0-\u0ED9\u0F20-\u0F29\u1040-\u1049\u17E0-\u17E9\u1810-\u1819\u24F5-\u24FF\u2776-\u2793\u3002\uFF61\u066B\u066C]+' then
    if strpos(d, chr(4)) = 0 and strpos(d, chr(5)) = 0 then
      parts := string_to_array(regexp_replace(d, '[\u0660-\u0669\u06F0-\u06F9\u0966-\u096F\u09E6-\u09EF\u0A66-\u0A6F\u0AE6-\u0AEF\u0B66-\u0B6F\u0BE6-\u0BEF\u0C66-\u0C6F\u0CE6-\u0CEF\u0D66-\u0D6F\u0E50-\u0E59\u0ED0-\u0ED9\u0F20-\u0F29\u1040-\u1049\u17E0-\u17E9\u1810-\u1819\u24F5-\u24FF\u2776-\u2793\u3002\uFF61\u066B\u066C]+', chr(4) || '\&' || chr(5), 'g'), chr(4));
      d := parts[1];
      for k in 2 .. cardinality(parts) loop
        j := strpos(parts[k], chr(5));
        d := d || translate(left(parts[k], j - 1),
          '٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹०१२३४५६७८९০১২৩৪৫৬৭৮৯੦੧੨੩੪੫੬੭੮੯૦૧૨૩૪૫૬૭૮૯୦୧୨୩୪୫୬୭୮୯௦௧௨௩௪௫௬௭௮௯౦౧౨౩౪౫౬౭౮౯೦೧೨೩೪೫೬೭೮೯൦൧൨൩൪൫൬൭൮൯๐๑๒๓๔๕๖๗๘๙໐໑໒໓໔໕໖໗໘໙༠༡༢༣༤༥༦༧༨༩၀၁၂၃၄၅၆၇၈၉០១២៣៤៥៦៧៨៩᠐᠑᠒᠓᠔᠕᠖᠗᠘᠙⓿❶❷❸❹❺❻❼❽❾➀➁➂➃➄➅➆➇➈➊➋➌➍➎➏➐➑➒⓵⓶⓷⓸⓹⓺⓻⓼⓽。｡٬٫',
          '012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789123456789123456789123456789..,.')
          || substr(parts[k], j + 1);
      end loop;
    else
      select string_agg(p.part || coalesce(translate(x.g[1],
        '٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹०१२३४५६७८९০১২৩৪৫৬৭৮৯੦੧੨੩੪੫੬੭੮੯૦૧૨૩૪૫૬૭૮૯୦୧୨୩୪୫୬୭୮୯௦௧௨௩௪௫௬௭௮௯౦౧౨౩౪౫౬౭౮౯೦೧೨೩೪೫೬೭೮೯൦൧൨൩൪൫൬൭൮൯๐๑๒๓๔๕๖๗๘๙໐໑໒໓໔໕໖໗໘໙༠༡༢༣༤༥༦༧༨༩၀၁၂၃၄၅၆၇၈၉០១២៣៤៥៦៧៨៩᠐᠑᠒᠓᠔᠕᠖᠗᠘᠙⓿❶❷❸❹❺❻❼❽❾➀➁➂➃➄➅➆➇➈➊➋➌➍➎➏➐➑➒⓵⓶⓷⓸⓹⓺⓻⓼⓽。｡٬٫',
        '012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789123456789123456789123456789..,.'), ''), '' order by p.o)
        into d
        from unnest(regexp_split_to_array(d, '[\u0660-\u0669\u06F0-\u06F9\u0966-\u096F\u09E6-\u09EF\u0A66-\u0A6F\u0AE6-\u0AEF\u0B66-\u0B6F\u0BE6-\u0BEF\u0C66-\u0C6F\u0CE6-\u0CEF\u0D66-\u0D6F\u0E50-\u0E59\u0ED0-\u0ED9\u0F20-\u0F29\u1040-\u1049\u17E0-\u17E9\u1810-\u1819\u24F5-\u24FF\u2776-\u2793\u3002\uFF61\u066B\u066C]+')) with ordinality p(part, o)
        left join regexp_matches(d, '[\u0660-\u0669\u06F0-\u06F9\u0966-\u096F\u09E6-\u09EF\u0A66-\u0A6F\u0AE6-\u0AEF\u0B66-\u0B6F\u0BE6-\u0BEF\u0C66-\u0C6F\u0CE6-\u0CEF\u0D66-\u0D6F\u0E50-\u0E59\u0ED0-\u0ED9\u0F20-\u0F29\u1040-\u1049\u17E0-\u17E9\u1810-\u1819\u24F5-\u24FF\u2776-\u2793\u3002\uFF61\u066B\u066C]+', 'g') with ordinality x(g, o) on x.o = p.o;
    end if;
  end if;
  latin := lower(d) <> upper(d);
  has_digit := d ~ '[0-9]+';
  -- bracketed symbols, spelled «at» and «dot» (one pattern)
  trig := '[(\[{<][^)\]}>]{0,8}[)\]}>]|\s(?:at|arroba|آت|أت|ات)\s+[a-z][a-z0-9\-]*\s*(?:\.\s*[a-z]{2}|dot|\(|\[|\{|دوت|نقطة)|\s(?:at|arroba|آت|أت|ات)\s+(?:gmail|hotmail|outlook|yahoo|icloud|جي ?ميل|جيمل|هوت ?ميل|ياهو)|(?:^|[^a-z])(?:dot|period)(?:[^a-z]|$)|دوت|نقطة|علامة|at ?sign';
  -- (one expression for texts with and without Latin letters — without
  -- them only its forms without them can match, with or without case —
  -- one place in the cache; a text without Latin letters pays ~0.02 ms
  -- for the larger automaton)
  if d ~* trig then
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
  -- (a text whose Latin screen finds nothing: its words that count are
  -- found by the Arabic screen's matches, not by reading every word)
  -- (the Latin screen first: a text it matches needs no Arabic screen)
  if latin and d ~* public.mask_number_word_screen_en() then
    d := public.mask_number_words_to_digits(d, true);
  elsif d ~ public.mask_number_word_screen_ar() then
    d := public.mask_number_words_to_digits(d, false);
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
    -- (in windows around each '@', found by strpos: the whole-text test
    -- for such a space that gated it is gone — a match in a window is one
    -- of that test — one expression fewer)
    d := public.mask_rewrite_near(d, '@', '\s+@\s+|(?<=[a-z0-9])@\s+|\s+\.\s*(?=[a-z]{2})|(?<=[a-z0-9])\.\s+(?=[a-z]{2,}(?:\s|$|[^a-z]))', 'atdot');
    pat := '[a-z0-9_%+\-](?:[a-z0-9._%+\-\x01]*[a-z0-9_%+\-])?\x01*@\x01*[a-z0-9\-]+(?:\x01*\.\x01*[a-z0-9\-]+)*\x01*\.\x01*(?:' || tld || ')(?![a-z])'
      || '|[a-z0-9._%+\-]+\x01*@\x01*(?:gmail|googlemail|hotmail|outlook|live|yahoo|icloud|proton(?:mail)?|aol|yandex|gmx|zoho|جيميل|جي ميل|جيمل|هوتميل|ياهو)(?:\x01*[.\s]\x01*(?:com|net)(?![a-z]))?';
    pat_lean := '[a-z0-9_%+\-](?:[a-z0-9._%+\-\x01]*[a-z0-9_%+\-])?\x01*@\x01*[a-z0-9\-]+(?:\x01*\.\x01*[a-z0-9\-]+)*\x01*\.\x01*(?:' || tld_lean || ')(?![a-z])'
      || '|[a-z0-9._%+\-]+\x01*@\x01*(?:gmail|googlemail|hotmail|outlook|live|yahoo|icloud|proton(?:mail)?|aol|yandex|gmx|zoho|جيميل|جي ميل|جيمل|هوتميل|ياهو)(?:\x01*[.\s]\x01*(?:com|net)(?![a-z]))?';
    -- (the same with the lean list of top-level domains, read in a window
    -- where no other can match: its automaton is a fraction of the size)
    f := public.mask_spans_near_tld(d, '@', pat, pat_lean, tld_other, true, null, 'i', 80, 80);
    -- (the spans come in order and never overlap: d is painted once, not
    -- by an overlay per span, each walking the whole multibyte text twice)
    foreach r in array f.spans loop
      spans := spans || r;
      kinds := kinds || 'email'::text;
    end loop;
    if cardinality(f.spans) > 0 then
      d := public.mask_paint(d, f.spans);
    end if;
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
    pat_lean := '(?:h[xt]{2}ps?|ftp)\x01*:\x01*/\x01*/[^\s]*'
      || '|www\x01*\.\x01*[^\s]+'
      || '|www[\s\x01.]+[a-z0-9\-]+[\s\x01.]+(?:' || tld_lean || ')(?![a-z])[^\s]*'
      || '|(?<![a-z0-9@._\-])(?:[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?\x01*\.\x01*)+(?:' || tld_bare_lean || ')(?![a-z0-9\-])(?:\x01*/[^\s]*)?'
      || '|(?<![a-z0-9@._\-])(?:wa|t|beacons|lnk|bio|about|linktr|bit|cutt|rb|is|tinyurl|taplink|carrd)\x01*\.\x01*(?:me|ai|bio|link|ee|ly|gy|gd|com|co|ink)(?![a-z0-9])(?:\x01*/[^\s]*)?'
      || '|(?:linktree|linktr\.ee|beacons|taplink|lnk\.bio|campsite\.bio)\x01*/\x01*[a-z0-9_.\-]+'
      || '|(?<![a-z])(?:wa|t) me\x01*/\x01*[^\s]+'
      || '|(?:instagram|facebook|fb|twitter|x|tiktok|snapchat|linkedin|youtube|behance|dribbble|github|t)\x01*[. ]?\x01*(?:com|me)\x01*/\x01*[^\s]+';
    -- (every form above holds one of these; a full stop after a word does not)
    f := public.mask_spans_near_tld(d,
      '[a-z0-9][\x01]*\.[\x01]*[a-z]|:[\s\x01]*/|www|/|linktr|beacons|\.\x01*كوم', pat,
      pat_lean, tld_bare_other, false, tld_other, 'i', 80, 160);
    -- (the text of each span is the match's, and d is painted once: the
    -- spans come in order and never overlap, so no span reads another's
    -- paint)
    paint := '{}';
    for j in 1 .. cardinality(f.spans) loop
      b := lower(f.spans[j]);
      e := upper(f.spans[j]);
      -- a trailing full stop or bracket belongs to the sentence
      hit := f.texts[j];
      e := e - (length(hit) - length(rtrim(hit, '.,،)]"''!?؟')));
      if e > b then
        spans := spans || int4range(b, e);
        paint := paint || int4range(b, e);
        kinds := kinds || 'link'::text;
      end if;
    end loop;
    if cardinality(paint) > 0 then
      d := public.mask_paint(d, paint);
    end if;
  end if;

  -- 4. Phones ----------------------------------------------------------------
  -- where a platform or a cue is named (Arabic and Latin apart: one
  -- alternation of both is much slower in PostgreSQL's regex engine)
  w := public.mask_spans(d, platform_ar || '|' || cue_ar, '');
  if latin then
    f := public.mask_spans(d, platform_en || '|' || cue_en, 'i');
    w.spans := w.spans || f.spans;
    w.texts := w.texts || f.texts;
  end if;
  has_platform := cardinality(w.spans) > 0;
  -- (the phone words in Arabic, and the Latin ones only when the text has
  -- Latin letters: rewriting never adds one)
  -- (the Arabic words are plain strings: strpos; the Latin ones are looked
  -- for by the expression only when the lowered text holds one of them)
  if has_digit and latin then
    ld := lower(d);
  end if;
  context := has_digit and (has_platform
    or strpos(d, 'رقم') > 0 or strpos(d, 'جوال') > 0 or strpos(d, 'موبايل') > 0
    or strpos(d, 'تلفون') > 0 or strpos(d, 'تليفون') > 0 or strpos(d, 'هاتف') > 0
    or strpos(d, 'اتصل') > 0 or strpos(d, 'كلمني') > 0 or strpos(d, 'كلّمني') > 0
    or strpos(d, 'دق علي') > 0
    or (latin and (strpos(ld, 'phone') > 0 or strpos(ld, 'number') > 0 or strpos(ld, 'mob') > 0
                   or strpos(ld, 'cell') > 0 or strpos(ld, 'call') > 0 or strpos(ld, 'whatsapp') > 0
                   or strpos(ld, 'tel:') > 0)
        and d ~* 'phone|number|mobile|cell|call|whatsapp|tel:'));
  if has_digit then
    -- the digit groups and what lies between them
    dl := coalesce(ld, lower(d));
    lowered := length(dl) = length(d);
    if not lowered then
      dl := d;
    end if;
    -- the groups and the text before, between and after them: two splits,
    -- no loop (where each group starts is worked out only when it is
    -- needed: an order word or a version before a group, a run of groups
    -- long enough for a phone, loose digits to mask)
    -- (one run of the engine, not two splits: each group bracketed by
    -- chr(4) and chr(5), then cut by strings; a text holding either
    -- character is split as before)
    if strpos(d, chr(4)) = 0 and strpos(d, chr(5)) = 0 then
      -- (no group left, as the split leaves none: an empty array, not null)
      select coalesce(array_agg(split_part(u.x, chr(5), 1) order by u.o) filter (where u.o > 1), '{}'),
             array_agg(case when u.o = 1 then u.x else split_part(u.x, chr(5), 2) end order by u.o)
        into gd, parts
        from unnest(string_to_array(regexp_replace(d, '[0-9]+', chr(4) || '\&' || chr(5), 'g'), chr(4)))
             with ordinality u(x, o);
    else
      gd := array_remove(regexp_split_to_array(d, '[^0-9]+'), '');
      parts := regexp_split_to_array(d, '[0-9]+');
    end if;
    ng := cardinality(gd);
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
    -- (first strpos of the strings a prefix starts with: a text holding
    -- none of them holds no prefix, and the expression is not run)
    has_prefix := (strpos(dl, '$') > 0 or strpos(dl, '#') > 0 or strpos(dl, '€') > 0 or strpos(dl, '£') > 0
      or strpos(dl, 'sar') > 0 or strpos(dl, 'usd') > 0 or strpos(dl, 'aed') > 0 or strpos(dl, 'ريال') > 0
      or strpos(dl, 'version') > 0 or strpos(dl, 'إصدار') > 0 or strpos(dl, 'اصدار') > 0 or strpos(dl, 'نسخة') > 0
      or strpos(dl, 'order') > 0 or strpos(dl, 'invoice') > 0 or strpos(dl, 'ref') > 0 or strpos(dl, 'ticket') > 0
      or strpos(dl, 'sku') > 0 or strpos(dl, 'طلب') > 0 or strpos(dl, 'فاتورة') > 0 or strpos(dl, 'تذكرة') > 0
      or strpos(dl, 'مرجع') > 0)
      and dl ~ left(prefix_end, -1);
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
      -- (a group inside the run found for an earlier group ends that same
      -- run: its end and digits are kept, not walked again from each group)
      if a > run_j then
        j := a;
        k := length(gd[a]);
        while j < ng and gap[j + 1] <> 'b' and not benign[j + 1] loop
          j := j + 1;
          k := k + length(gd[j]);
        end loop;
        run_a := a;
        run_j := j;
        run_k := k;
      else
        while run_a < a loop
          run_k := run_k - length(gd[run_a]);
          run_a := run_a + 1;
        end loop;
        j := run_j;
        k := run_k;
      end if;
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
            b := b - length(parts[k]) + length(rtrim(parts[k], chr(1)));
            e := e + length(parts[k + 1]) - length(ltrim(parts[k + 1], chr(1)));
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
      -- (a '+' before the groups is the last character but spaces and pads
      -- of the text between the group before and this one: no other piece
      -- of the text is read; the pads around a mask likewise)
      lead := case when rtrim(right(parts[a], 8), ' ' || chr(1)) like '%+' then '+' else '' end;
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
          c := rtrim(parts[a], ' ' || chr(1));
          b := b - length(parts[a]) + length(c) - 1;
          b := b - length(c) + 1 + length(rtrim(left(c, -1), chr(1)));
        else
          b := b - length(parts[a]) + length(rtrim(parts[a], chr(1)));
        end if;
        e := e + length(parts[best + 1]) - length(ltrim(parts[best + 1], chr(1)));
        spans := spans || int4range(b, e);
        kinds := kinds || 'phone'::text;
        a := best + 1;
      end if;
      if not found then
        if p_mask_loose then
          b := gs[a] - length(parts[a]) + length(rtrim(parts[a], chr(1)));
          e := ge[a] + length(parts[a + 1]) - length(ltrim(parts[a + 1], chr(1)));
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
      f := public.mask_spans(d, pat, 'i');
      -- (as the e-mails: the match's text, d painted once)
      paint := '{}';
      for j in 1 .. cardinality(f.spans) loop
        b := lower(f.spans[j]);
        hit := rtrim(f.texts[j], '.');
        e := b + length(hit);
        spans := spans || int4range(b, e);
        paint := paint || int4range(b, e);
        kinds := kinds || 'handle'::text;
      end loop;
      if cardinality(paint) > 0 then
        d := public.mask_paint(d, paint);
      end if;
    end if;
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
        -- (as substr(d, upper(r), 48), upper(r) >= 2, walking the text only up
        -- to the window: substr counts every character of a long text)
        win := left(right(d, 1 - upper(r)), 48);
        -- (a name needs Latin letters; most windows have none. After a Latin
        -- platform named with no cue, no "my"/"our" before it, a name counts
        -- only after ':', '=', '>', '→', '-', "is", «هو», «هي» (or a
        -- possessive before them): a window that starts with another letter,
        -- a digit or a mark is not read)
        mt := null;
        arabic := lower(w.texts[j]) = upper(w.texts[j]);
        if lower(win) <> upper(win)
           and (arabic or has_cue
                or rtrim(lower(right(left(d, lower(r) - 1), lower(r) - greatest(1, lower(r) - 5)))) like any (array['%my', '%our'])
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
                  or rtrim(lower(right(left(d, lower(r) - 1), lower(r) - greatest(1, lower(r) - 5)))) like any (array['%my', '%our']))
                 and not (lower(hit) = any (plain))) then
            if not (lower(hit) = any (not_names)) then
              spans := spans || int4range(b, e);
              d := left(d, b - 1) || repeat(chr(2), e - b) || right(d, -(e - 1));
              kinds := kinds || 'handle'::text;
            end if;
          end if;
        end if;
        if lower(w.texts[j]) = upper(w.texts[j]) and lower(r) > 3 then
          wb := greatest(1, lower(r) - 40);
          -- (as substr(d, wb, lower(r) - wb): the last characters before r)
          win := right(left(d, lower(r) - 1), lower(r) - wb);
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
            d := left(d, b - 1) || repeat(chr(2), e - b) || right(d, -(e - 1));
            kinds := kinds || 'handle'::text;
          end if;
        end if;
      end loop;
      -- handle-shaped: letters with digits, '_' or an inner '.'
      f := public.mask_spans(d, '[a-z][a-z0-9_]*(?:[0-9_]|\.[a-z0-9])[a-z0-9_]*(?:\.[a-z0-9_]+)*|[0-9_]+[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*', 'i');
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
          d := left(d, b - 1) || repeat(chr(2), e - b) || right(d, -(e - 1));
          kinds := kinds || 'handle'::text;
        end if;
      end loop;
    end if;
  end if;
  if has_platform and cardinality(kinds) = 0
     and (strpos(d, 'كلمني') > 0 or strpos(d, 'راسلني') > 0 or strpos(d, 'تواصل معي') > 0
          or strpos(d, 'ضيفني') > 0 or strpos(d, 'اضفني') > 0 or strpos(d, 'أضفني') > 0
          or strpos(d, 'تابعني') > 0
          or (latin and strpos(lower(d), ' me') > 0
              and d ~* 'add me|dm me|message me|contact me|text me|call me|reach me')) then
    sus := sus || 'contact_request'::text;
  end if;

  loose_digits := loose;
  suspects := sus;
  if cardinality(spans) = 0 then
    return;
  end if;
  -- (the kinds found, in order: four names, no query; none when only loose
  -- digits were masked, as array_agg over no row)
  hits := case when cardinality(kinds) > 0 then array_remove(array[
    case when 'email' = any (kinds) then 'email' end, case when 'handle' = any (kinds) then 'handle' end,
    case when 'link' = any (kinds) then 'link' end, case when 'phone' = any (kinds) then 'phone' end], null) end;
  -- merge the spans (a multirange: sorted, overlapping and adjacent ones
  -- joined, as range_agg), then rebuild the text from the normalised copy
  select array_agg(x order by lower(x)) into spans
    from unnest(int4multirange(variadic spans)) x;
  -- (what is left of the text is cut from its start: substr(m, last, ...)
  -- walked the multibyte text from its first character for every span)
  out_text := '';
  last := 1;
  res := m;
  foreach r in array spans loop
    out_text := out_text || left(res, lower(r) - last) || '[🔒]';
    -- (right(res, -n), n >= 1 — a merged span is never empty: walks the
    -- first n characters only; substr(res, n + 1) also counts the rest)
    res := right(res, -(upper(r) - last));
    last := upper(r);
  end loop;
  out_text := out_text || res;
  masked := out_text;
end
$$;
