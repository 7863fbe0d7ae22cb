-- =============================================================================
-- Contact masking, made faster (issue 11: the cost of masking a 1,000-
-- character message). Same pipeline and the same results as 20251126000100
-- (checked on the whole table of cases and on thousands of mixed messages
-- against the previous definition); what changed is how often, and how
-- expensively, the regular-expression engine runs. PostgreSQL builds a fresh
-- automaton on every call and every match, so the cost is in the number of
-- calls and matches, not in the length of the text:
--   * a unit after a number («500 ريال», "5 days") and a prefix before it
--     ("order #", "v2"): the Latin units are looked up as words, the others
--     tested only when the next word can start one; the prefixes are found by
--     one pass over the text — not two matches (with captures) per group;
--   * the words between digit groups are counted only when they can matter,
--     without a query per gap;
--   * digits of other scripts are translated piece by piece (translate() over
--     the whole text costs more than the rest of the normalisation);
--   * number words are screened by one boolean pass before the text is cut
--     into words, and phrases are read without capturing groups or
--     per-word expressions;
--   * no capturing group around the patterns whose matches are located;
--     the windows where spelled at/dot are rewritten are merged first; the
--     link stage starts from dots followed by a letter, not every full stop;
--     the e-mail space rewrite runs only when such a space exists; the handle
--     windows are read only when they can hold a Latin name.
-- The functions keep their signatures, owners and grants (create or replace).
-- =============================================================================

-- ---------------------------------------------------------------------------
-- Number words: one phrase of words and digits -> its digit string
-- ---------------------------------------------------------------------------
create or replace function public.mask_phrase_digits(p_phrase text)
returns text language plpgsql immutable parallel safe set search_path = '' as $$
declare
  words constant jsonb := public.mask_number_words();
  toks text[];
  joined boolean[];
  vals text[];
  n integer;
  i integer := 1;
  v text;
  nxt text;
  nxt2 text;
  acc integer;
  mult integer := 1;
  out_digits text := '';
  piece text;
  saw_word boolean := false;
  isnum boolean[];
  rest text;
begin
  -- (no capturing group: a word led by «و» is «و» and the word when the rest
  -- is a word or digits — no word is «و» and another word)
  select array_agg(m[1] order by o) into toks
    from regexp_matches(lower(p_phrase),
      'و?(?:' || public.mask_number_word_pattern() || '|[0-9]+)', 'g') with ordinality t(m, o);
  n := coalesce(array_length(toks, 1), 0);
  if n = 0 then
    return null;
  end if;
  joined := array_fill(false, array[n]);
  isnum := array_fill(false, array[n]);
  for i in 1 .. n loop
    if left(toks[i], 1) = 'و' and length(toks[i]) > 1 then
      rest := substr(toks[i], 2);
      if words ? rest or translate(rest, '0123456789', '') = '' then
        toks[i] := rest;
        joined[i] := true;
      end if;
    end if;
    isnum[i] := translate(toks[i], '0123456789', '') = '';
  end loop;
  vals := array_fill(null::text, array[n]);
  for i in 1 .. n loop
    if isnum[i] then
      vals[i] := toks[i];
    else
      vals[i] := words ->> toks[i];
      saw_word := true;
    end if;
  end loop;
  if not saw_word then
    return null;
  end if;
  i := 1;
  while i <= n loop
    v := vals[i];
    nxt := case when i < n then vals[i + 1] end;
    nxt2 := case when i + 1 < n then vals[i + 2] end;
    if v in ('x2', 'x3') then
      mult := substr(v, 2)::integer;
      i := i + 1;
      continue;
    end if;
    if v = 'h' then
      piece := '100';
    elsif isnum[i] then
      piece := v;
    else
      acc := v::integer;
      -- "five hundred"
      if acc < 10 and nxt = 'h' then
        acc := acc * 100; i := i + 1;
        nxt := case when i < n then vals[i + 1] end;
        nxt2 := case when i + 1 < n then vals[i + 2] end;
      end if;
      if acc >= 100 and length(nxt) between 1 and 2 and translate(nxt, '0123456789', '') = ''
         and not isnum[i + 1] then
        -- hundred + (unit و tens) | (tens unit) | teen | unit | tens
        if nxt::integer < 10 and nxt2 in ('20', '30', '40', '50', '60', '70', '80', '90') and joined[i + 2] then
          acc := acc + nxt::integer + nxt2::integer; i := i + 2;
        elsif nxt in ('20', '30', '40', '50', '60', '70', '80', '90')
              and nxt2 in ('1', '2', '3', '4', '5', '6', '7', '8', '9') and not isnum[i + 2] then
          acc := acc + nxt::integer + nxt2::integer; i := i + 2;
        else
          acc := acc + nxt::integer; i := i + 1;
        end if;
      elsif acc < 10 and nxt in ('20', '30', '40', '50', '60', '70', '80', '90') and joined[i + 1]
            and strpos('abcdefghijklmnopqrstuvwxyz', left(toks[i], 1)) = 0 then
        acc := acc + nxt::integer; i := i + 1;          -- «ثلاثة وعشرين» = 23
      elsif acc between 20 and 90 and acc % 10 = 0 and nxt in ('1', '2', '3', '4', '5', '6', '7', '8', '9')
            and not isnum[i + 1] and (strpos('abcdefghijklmnopqrstuvwxyz', left(toks[i], 1)) > 0 or joined[i + 1]) then
        acc := acc + nxt::integer; i := i + 1;          -- "fifty five"
      end if;
      piece := acc::text;
    end if;
    out_digits := out_digits || repeat(piece, mult);
    mult := 1;
    i := i + 1;
  end loop;
  return out_digits;
end
$$;

-- Where a pattern matches: one pass of regexp_matches and one of
-- regexp_split_to_array (the pieces between matches give the positions), so
-- the cost does not grow with the number of matches. texts holds the whole
-- matches. The pattern must have no capturing group: it is run as it is
-- (no group around it), so the engine never has to work out what a group
-- captured, which is what makes a match expensive.
create or replace function public.mask_spans(p_text text, p_pattern text, p_flags text,
  out spans int4range[], out texts text[])
language plpgsql immutable parallel safe set search_path = '' as $$
declare
  parts text[];
  ms text[];
  pos integer := 1;
  k integer;
begin
  spans := '{}';
  texts := '{}';
  select array_agg(x[1] order by o) into ms
    from regexp_matches(p_text, p_pattern, 'g' || p_flags) with ordinality t(x, o);
  if ms is null then
    return;
  end if;
  -- the same pattern text, so the compiled expression is reused from the cache
  parts := regexp_split_to_array(p_text, p_pattern, p_flags);
  for k in 1 .. array_length(ms, 1) loop
    pos := pos + length(parts[k]);
    spans := spans || int4range(pos, pos + length(ms[k]));
    pos := pos + length(ms[k]);
  end loop;
  texts := ms;
end
$$;

-- Replace every match of a pattern by a computed text padded with chr(1) to
-- the same length, so that positions in the copy stay those of the text.
--   p_what: 'at' -> '@', 'dot' -> '.', 'squeeze' -> the match without spaces,
--           'blank' -> chr(3) (a number that is no phone: date, price...).
create or replace function public.mask_rewrite(p_text text, p_pattern text, p_what text)
returns text language plpgsql immutable parallel safe set search_path = '' as $$
declare
  s text := p_text;
  f record;
  k integer;
  hit text;
  rep text;
begin
  select * into f from public.mask_spans(p_text, p_pattern, 'i');
  for k in reverse coalesce(array_length(f.spans, 1), 0) .. 1 loop
    hit := substr(s, lower(f.spans[k]), upper(f.spans[k]) - lower(f.spans[k]));
    rep := case p_what
      when 'atdot' then case when strpos(lower(hit), 'dot') > 0 or strpos(hit, '.') > 0 or strpos(hit, 'دوت') > 0
                                  or strpos(hit, 'نقطة') > 0 or strpos(lower(hit), 'period') > 0 then '.' else '@' end
      when 'squeeze' then translate(hit, ' ' || chr(1), '')
      when 'blank' then repeat(chr(3), length(hit))
    end;
    s := overlay(s placing rep || repeat(chr(1), length(hit) - length(rep))
                 from lower(f.spans[k]) for length(hit));
  end loop;
  return s;
end
$$;

-- Spans of a pattern, looked for only in windows around where a simple
-- (fast) trigger matches; overlapping windows are merged first.
create or replace function public.mask_spans_near(p_text text, p_trigger text,
  p_pattern text, p_flags text, p_before integer, p_after integer,
  out spans int4range[], out texts text[])
language plpgsql immutable parallel safe set search_path = '' as $$
declare
  t record;
  f record;
  win int4range;
  k integer;
begin
  spans := '{}';
  texts := '{}';
  select * into t from public.mask_spans(p_text, p_trigger, p_flags);
  for win in
    select x from unnest((select range_agg(int4range(greatest(1, lower(y) - p_before),
                                                      upper(y) + p_after))
                            from unnest(t.spans) y)) x
  loop
    select * into f from public.mask_spans(
      substr(p_text, lower(win), upper(win) - lower(win)), p_pattern, p_flags);
    for k in 1 .. coalesce(array_length(f.spans, 1), 0) loop
      spans := spans || int4range(lower(f.spans[k]) + lower(win) - 1, upper(f.spans[k]) + lower(win) - 1);
      texts := texts || f.texts[k];
    end loop;
  end loop;
end
$$;

-- The same, only in windows around where a (simple, fast) trigger matches;
-- overlapping windows are merged first, so each part of the text is
-- rewritten once.
create or replace function public.mask_rewrite_near(p_text text, p_trigger text,
  p_pattern text, p_what text)
returns text language plpgsql immutable parallel safe set search_path = '' as $$
declare
  s text := p_text;
  f record;
  r int4range;
  wb integer;
  win text;
  changed text;
begin
  select * into f from public.mask_spans(p_text, p_trigger, 'i');
  for r in
    select x from unnest((select range_agg(int4range(greatest(1, lower(y) - 40), upper(y) + 40))
                            from unnest(f.spans) y)) x
  loop
    wb := lower(r);
    win := substr(s, wb, upper(r) - wb);
    changed := public.mask_rewrite(win, p_pattern, p_what);
    if changed <> win then
      s := overlay(s placing changed from wb for length(win));
    end if;
  end loop;
  return s;
end
$$;

-- Whether a text can hold a number word at all (one boolean pass, case
-- insensitive): an Arabic word (or «و» and a word) standing alone among
-- Arabic letters, a Latin word standing alone among Latin letters, or an
-- Arabizi word with a digit inside. Only then are the words looked up.
create or replace function public.mask_number_word_screen() returns text
language sql immutable parallel safe set search_path = '' as $$
  select '(?:^|[^\u0621-\u064A\u066E-\u06D3])و?(?:'
    || string_agg(k, '|' order by length(k) desc, k) filter (where k !~ '[a-z0-9]')
    || ')(?:[^\u0621-\u064A\u066E-\u06D3]|$)|(?:^|[^a-z])(?:'
    || string_agg(k, '|' order by length(k) desc, k) filter (where k ~ '^[a-z]+$')
    || ')(?:[^a-z]|$)|(?:^|[^a-z])(?:'
    || string_agg(k, '|' order by length(k) desc, k) filter (where k ~ '[0-9]')
    || ')'
  from jsonb_object_keys(public.mask_number_words()) k
$$;
revoke execute on function public.mask_number_word_screen() from public, anon, authenticated;
grant execute on function public.mask_number_word_screen() to service_role;

-- Number words to digits: the words of the text are looked up in
-- mask_number_words(); words joined only by separators, «و» or digits make
-- one phrase, and the phrase becomes its digits (padded, same length).
create or replace function public.mask_number_words_to_digits(p_text text)
returns text language plpgsql immutable parallel safe set search_path = '' as $$
declare
  words constant jsonb := public.mask_number_words();
  tok constant text := '[a-z]+(?:[0-9][a-z]*)?|[\u0621-\u064A\u066E-\u06D3]+';
  s text := p_text;
  toks text[];
  parts text[];
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
begin
  select array_agg(x[1] order by o) into toks
    from regexp_matches(p_text, tok, 'gi') with ordinality m(x, o);
  if toks is null then
    return s;
  end if;
  parts := regexp_split_to_array(p_text, tok, 'i');
  -- the place of every word in one query; only the words that can count
  -- (a number word, «و» and one, or letters with digits) come back
  for t, b in
    select q.w, q.b::integer from (
      select lower(x.tok) as w,
             1 + sum(length(p.part) + length(lower(x.tok))) over (order by x.k) - length(lower(x.tok)) as b
        from unnest(toks) with ordinality x(tok, k)
        join unnest(parts) with ordinality p(part, k) on p.k = x.k
    ) q
    where words ? q.w or (left(q.w, 1) = 'و' and words ? substr(q.w, 2))
       or translate(q.w, '0123456789', '') <> q.w
    order by q.b
  loop
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
    rep := public.mask_phrase_digits(hit);
    if rep is not null and length(rep) <= length(hit) then
      s := overlay(s placing rep || repeat(chr(1), length(hit) - length(rep))
                   from phrase_b[k] for length(hit));
    end if;
  end loop;
  return s;
end
$$;

-- ---------------------------------------------------------------------------
-- The scanner
-- ---------------------------------------------------------------------------
-- masked: the text with every contact detail replaced by [🔒] (the text
--         itself, byte for byte, when nothing was found);
-- hits: the kinds found (phone, email, link, handle);
-- suspects: reasons to let an operator look (not masked);
-- loose_digits: the digits left in the message, for the cross-message budget.
-- p_mask_loose: also mask every loose digit group (a number sent in pieces).
create or replace function public.mask_contact_scan(
  p_text text, p_mask_loose boolean default false,
  out masked text, out hits text[], out suspects text[], out loose_digits text)
language plpgsql immutable parallel safe set search_path = '' as $$
declare
  L constant text := 'a-z\u0621-\u064A\u066E-\u06D3';
  tld constant text := public.mask_tld_pattern();
  -- Extensions of files people send, not domains, when written without a scheme.
  -- without ai py sh md rs pl ps so am is to no my it in at be do as by: file
  -- extensions and words, not domains, when written without a scheme
  tld_bare constant text := 'com|كوم|net|org|info|biz|io|co|me|app|dev|xyz|online|site|store|shop|tech|link|page|blog|art|design|studio|agency|digital|media|email|live|life|world|today|space|website|club|pro|name|mobi|tv|cc|ly|gg|gl|ee|gd|gy|fm|bio|click|one|top|vip|work|works|solutions|services|company|network|group|center|global|cloud|host|social|chat|contact|plus|video|photo|photos|gallery|graphics|marketing|academy|news|lol|wtf|fun|icu|cyou|buzz|rocks|ninja|guru|expert|tips|zone|team|run|gov|edu|mil|int|museum|aero|jobs|travel|cat|asia|tel|ac|ad|ae|af|ag|al|ao|aq|ar|au|aw|ax|az|ba|bb|bd|bf|bg|bh|bi|bj|bm|bn|bo|br|bs|bt|bw|bz|ca|cd|cf|cg|ch|ci|ck|cl|cm|cn|cr|cu|cv|cw|cx|cy|cz|de|dj|dk|dm|dz|ec|eg|er|es|et|eu|fi|fj|fk|fo|fr|ga|ge|gf|gh|gi|gm|gn|gp|gq|gr|gs|gt|gu|gw|hk|hm|hn|hr|ht|hu|id|ie|il|im|iq|ir|je|jm|jo|jp|ke|kg|kh|ki|km|kn|kp|kr|kw|ky|kz|la|lb|lc|li|lk|lr|ls|lt|lu|lv|ma|mc|mg|mh|mk|ml|mm|mn|mo|mp|mq|mr|mt|mu|mv|mw|mx|mz|na|nc|ne|nf|ng|ni|nl|np|nr|nu|nz|om|pa|pe|pf|pg|ph|pk|pm|pn|pr|pt|pw|qa|re|ro|ru|rw|sa|sb|sc|sd|se|sg|si|sk|sl|sm|sn|sr|ss|st|su|sv|sx|sy|sz|tc|td|tf|tg|th|tj|tk|tl|tm|tn|tr|tt|tw|tz|ua|ug|uk|us|uy|uz|va|vc|ve|vg|vi|vn|vu|wf|ws|ye|yt|za|zm|zw';
  platform constant text := public.mask_platform_pattern('all');
  platform_ar constant text := public.mask_platform_pattern('ar');
  platform_en constant text := public.mask_platform_pattern('en');
  cue constant text := public.mask_cue_pattern('all');
  cue_ar constant text := public.mask_cue_pattern('ar');
  cue_en constant text := public.mask_cue_pattern('en');
  -- a number followed by one of these is a quantity, a price or a size
  phone_re constant text := '^(?:'
      || '(?:\+?966|00966|0)?5[0-9]{8}'               -- Saudi mobile
      || '|(?:\+?966|00966|0)1[1-7][0-9]{7}'          -- Saudi landline
      || '|(?:\+?966|00966)?9200[0-9]{5}|800[0-9]{7}'  -- unified / toll free
      || '|(?:\+?971|00971)5[0-9]{8}'                 -- UAE
      || '|(?:\+?965|00965)[569][0-9]{7}'             -- Kuwait
      || '|(?:\+?974|00974)[3567][0-9]{7}'            -- Qatar
      || '|(?:\+?973|00973)[36][0-9]{7}'              -- Bahrain
      || '|(?:\+?968|00968)[79][0-9]{7}'              -- Oman
      || '|(?:\+?20|0020|0)1[0125][0-9]{8}'           -- Egypt
      || '|(?:\+|00)[1-9][0-9]{7,13}'                 -- E.164
      || ')$';
  phone_context_re constant text := '^(?:[569][0-9]{7}|[3567][0-9]{7}|1[0125][0-9]{8}|[0-9]{9,13})$';
  -- (a unit in Latin letters must end the word: "5 mango" is no unit),
  -- tested on the start of the text after the number, its decimals
  -- ("1,500 SAR": both groups) and spaces;
  -- prefix_at: a currency, a version or an order word before a number (one
  -- pass over the text finds them all).
  units constant text := '^(?:%|٪|بالمي[ةه]|صباح|مساء|ريال|ر\.س|رس|\$|دولار|جنيه|درهم|دينار|€|£|ألف|الف|آلاف|الاف|مليون|ميجا|ميقا|جيجا|قيقا|بكسل|سم|ملم|كيلو|كجم|متر|دقيق[ةه]|دقايق|دقائق|ساع[ةه]|ساعات|يوم|أيام|ايام|اسبوع|أسبوع|أسابيع|اسابيع|شهر|أشهر|اشهر|شهور|سن[ةه]|سنوات|سنين|منشور|منشورات|تصميم|تصاميم|فيديو|فيديوهات|صفح[ةه]|صفحات|كلم[ةه]|كلمات|قطع[ةه]|حب[ةه]|نسخ[ةه]|مر[ةه]|مرات|ثاني[ةه]|ثواني|(?:percent|k|m|am|pm|a\.m\.|p\.m\.|sar|sr|usd|aed|egp|px|cm|mm|kg|km|mb|gb|kb|tb|fps|dpi|hz|gb|words?|pages?|videos?|posts?|designs?|days?|hours?|hrs?|mins?|minutes?|weeks?|months?|years?|pieces?|pcs|items?|units?|sec|seconds?)(?![a-z]))';
  prefix_at constant text := '(?:\$|sar|usd|aed|€|£|ريال|version|الإصدار|الاصدار|إصدار|اصدار|نسخة|#|order|invoice|ref|ticket|sku|طلب|فاتورة|الفاتورة|الطلب|تذكرة|مرجع)[\s\x01:]*(?:رقم|no\.?|number)?[\s\x01:#]*[0-9]';
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
  gs integer[] := '{}';
  ge integer[] := '{}';
  gd text[];
  benign boolean[] := '{}';
  prefix_before boolean[];
  parts_tail text;
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
  m := normalize(o, nfkc);
  -- invisible and joining marks, tatweel, variation selectors, keycap
  -- combiner, tags and skin tones go; unusual spaces become a space
  m := regexp_replace(m, '[\u00AD\u034F\u061C\u0640\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\u20E3\u3164\uFE00-\uFE0F\uFEFF\uFFA0\U000E0001\U000E0020-\U000E007F\U000E0100-\U000E01EF\U0001F3FB-\U0001F3FF]', '', 'g');
  m := replace(m, '🔟', '10');
  m := regexp_replace(m, '[\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000\t\r]', ' ', 'g');
  -- digits of every script to ASCII (NFKC already did full-width, mathematical
  -- and circled ones)
  -- (the digits are translated piece by piece: translate() over the whole
  -- text costs as much as the rest of the pipeline)
  d := m;
  if d ~ '[\u0660-\u0669\u06F0-\u06F9\u0966-\u096F\u09E6-\u09EF\u0A66-\u0A6F\u0AE6-\u0AEF\u0B66-\u0B6F\u0BE6-\u0BEF\u0C66-\u0C6F\u0CE6-\u0CEF\u0D66-\u0D6F\u0E50-\u0E59\u0ED0-\u0ED9\u0F20-\u0F29\u1040-\u1049\u17E0-\u17E9\u1810-\u1819\u24F5-\u24FF\u2776-\u2793\u3002\uFF61\u066B\u066C]' then
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
  if d ~* public.mask_number_word_screen() then
    d := public.mask_number_words_to_digits(d);
  end if;
  -- look-alike letters next to digits: O/o -> 0, l/I/| -> 1, Arabic ا -> 1, ه -> 5
  has_digit := d ~ '[0-9]+';
  if has_digit and d ~ '[0-9][oOlIاه]|[oOlI][0-9]' then
    d := regexp_replace(d, '(?<=[0-9])[oO](?=[0-9oO])|(?<![a-zA-Z])[oO](?=[0-9])|(?<=[0-9])[oO](?![a-zA-Z])', '0', 'g');
    d := regexp_replace(d, '(?<=[0-9])[lI](?=[0-9lI])|(?<![a-zA-Z])[lI](?=[0-9]{2})|(?<=[0-9]{2})[lI](?![a-zA-Z])', '1', 'g');
    d := regexp_replace(d, '(?<=[0-9])ا(?=[0-9])', '1', 'g');
    d := regexp_replace(d, '(?<=[0-9])ه(?=[0-9])', '5', 'g');
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
  context := has_digit and (has_platform or d ~* 'رقم|جوال|موبايل|تلفون|تليفون|هاتف|اتصل|كلمني|كلّمني|دق علي|phone|number|mobile|cell|call|whatsapp|tel:');
  if has_digit then
    -- the digit groups and what lies between them
    dl := lower(d);
    lowered := length(dl) = length(d);
    if not lowered then
      dl := d;
    end if;
    select array_agg(t.x[1] order by t.ord) into gd
      from regexp_matches(d, '[0-9]+', 'g') with ordinality t(x, ord);
    parts := regexp_split_to_array(d, '[0-9]+');
    pos := 1;
    for j in 1 .. coalesce(array_length(gd, 1), 0) loop
      b := pos + length(parts[j]);
      e := b + length(gd[j]);
      pos := e;
      ng := ng + 1;
      gs := gs || b;
      ge := ge || e;
      benign := benign || false;
      c := parts[j];
      gsep := gsep || c;
      if ng = 1 or strpos(c, chr(2)) > 0 or length(c) > 40 then
        gap := gap || 'b'::text;
      else
        -- the words in the gap are counted only when they can matter
        if length(c) > 30 or (length(c) > 12 and length(translate(c, E'\n.!?؟', '')) <> length(c)) then
          gap := gap || 'b'::text;
        else
          nwords := 0;
          if length(translate(c, ' ' || chr(1) || ',،.-:/|*_()[]+~—' || chr(10), '')) > 0 then
            foreach hit in array regexp_split_to_array(lower(c), '[^a-z\u0621-\u064A\u066E-\u06D3]+') loop
              if hit <> '' and hit <> all (fillers) then
                nwords := nwords + 1;
              end if;
            end loop;
          end if;
          gap := gap || case
            when nwords = 0 and length(c) <= 12 then 't'
            when nwords <= 3 and length(c) <= 30 and length(translate(c, E'\n.!?؟', '')) = length(c) then 'w'
            else 'b' end;
        end if;
      end if;
    end loop;
    parts_tail := coalesce(parts[ng + 1], '');
    -- not phones: a number followed by a unit or a currency, or after a
    -- currency, a version or an order word; dates, times and sizes
    -- where a prefix ends: one pass (most texts have none)
    prefix_before := array_fill(false, array[ng]);
    select array_agg(x.g[1] order by x.o) into parts
      from regexp_matches(dl, prefix_at, 'g') with ordinality x(g, o);
    if parts is not null then
      pos := 0;
      j := 1;
      foreach c in array regexp_split_to_array(dl, prefix_at) loop
        exit when j > cardinality(parts);
        pos := pos + length(c) + length(parts[j]);
        -- pos: the first digit of a group
        k := array_position(gs, pos);
        if k is not null then
          prefix_before[k] := true;
        end if;
        j := j + 1;
      end loop;
    end if;
    for k in 1 .. ng loop
      if length(gd[k]) <= 6 then
        -- the text after the group and its decimals, from its first non-space
        j := k;
        while j < ng and gsep[j + 1] in ('.', ',') and length(gd[j + 1]) <= 3 loop
          j := j + 1;
        end loop;
        c := left(ltrim(case when j < ng then gsep[j + 1] else parts_tail end, E' \t\n\r\f\v\x01'), 16);
        if lowered then
          c := lower(c);
        end if;
        if strpos('abcdefghijklmnopqrstuvwxyz', left(c, 1)) > 0 then
          -- a Latin unit is the whole word ("a.m." and "p.m." aside)
          hit := left(c, length(c) - length(ltrim(c, 'abcdefghijklmnopqrstuvwxyz')));
          if hit = any (units_latin)
             or (hit in ('a', 'p') and substr(c, 2, 3) = '.m.'
                 and (length(c) = 4 or strpos('abcdefghijklmnopqrstuvwxyz', substr(c, 5, 1)) = 0)) then
            benign[k] := true;
          end if;
        elsif c <> '' and strpos(unit_first, left(c, 1)) > 0 and c ~ units then
          benign[k] := true;
        end if;
      end if;
      if not benign[k] and (prefix_before[k]
           or (right(gsep[k], 1) in ('v', 'V') and gs[k] > 2 and substr(dl, gs[k] - 2, 2) ~ '^[^a-z]v$')) then
        benign[k] := true;
        -- the decimals and parts of a version that follow
        j := k;
        while j < ng and btrim(gsep[j + 1]) in ('.', ',') loop
          j := j + 1;
          benign[j] := true;
        end loop;
      end if;
      if k < ng then
        c := btrim(gsep[k + 1], ' ' || chr(1));
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
    -- windows of groups
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
        if length(c) >= 8 and (
             (all_tight and ((lead || c) ~ phone_re or (context and c ~ phone_context_re)))
             or (not all_tight and c ~ '^(?:05[0-9]{8}|(?:00)?9665[0-9]{8})$')) then
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
        -- (a name needs Latin letters; most windows have none)
        mt := null;
        if lower(win) <> upper(win) then
        mt := regexp_match(win, '^((?:[\s\x01]+(?:حقي|حقتي|تبعي|الخاص بي|باسم|بإسم|اسمه|اسمي))?[\s\x01]*([:=>→]|-|is(?![a-z])|هو|هي|عليه|على|في)?[\s\x01]*[:=>→]?[\s\x01]*@?)([a-z][a-z0-9_.\-]{2,})(?![a-z0-9_])', 'i');
        end if;
        if mt is not null then
          hit := rtrim(mt[3], '.-');
          b := upper(r) + length(mt[1]);
          e := b + length(hit);
          arabic := lower(w.texts[j]) = upper(w.texts[j]);
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
     and d ~* 'كلمني|راسلني|تواصل معي|ضيفني|[اأ]ضفني|تابعني|add me|dm me|message me|contact me|text me|call me|reach me' then
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

-- Same signature and callers as before: every writer still goes through it.
create or replace function public.mask_contact_details(p_text text, out masked text, out hits text[])
language sql immutable parallel safe set search_path = '' as $$
  select s.masked, s.hits from public.mask_contact_scan(p_text) s
$$;
