-- NOT APPLIED BY ANY MIGRATION. Exploration of issue 11 (1 December, mask11b):
-- building blocks of a redesigned masking pipeline, counted by
-- bench.masking_prototype against mask_contact_scan on bench.masking's
-- messages. Loaded into a scratch cluster only, beside the definitions the
-- migrations leave (schema mask_cur). Nothing here masks anything yet.
create schema if not exists proto;

-- The words a stage can start from, one jsonb object (keys only): number
-- words (mask_number_words()), platform names and abbreviations, cue words,
-- at/dot words, top-level domains. Lookups are a binary search per token.
create or replace function proto.trigger_words() returns jsonb
language sql immutable as $$
  select jsonb_object_agg(w, 1) from (
    select jsonb_object_keys(mask_cur.mask_number_words()) w
    union select unnest(string_to_array(mask_cur.mask_tld_pattern(), '|'))
    union select unnest(array['snap', 'snapchat', 'سناب', 'سنابشات', 'insta', 'instagram', 'انستا',
      'انستقرام', 'انستغرام', 'twitter', 'تويتر', 'tiktok', 'تيك', 'توك', 'تكتوك', 'telegram', 'tele',
      'تليجرام', 'تلقرام', 'تلي', 'whatsapp', 'whats', 'wats', 'واتس', 'وتس', 'واتساب', 'facebook', 'فيس',
      'بوك', 'linkedin', 'discord', 'youtube', 'يوتيوب', 'behance', 'dribbble', 'skype', 'threads',
      'signal', 'viber', 'wechat', 'kik', 'gmail', 'جيميل', 'hotmail', 'outlook', 'yahoo', 'ياهو',
      'icloud', 'sc', 'ig', 'tg', 'fb', 'wa', 'wts', 'wtsp', 'yt', 'tt', 'dc',
      'user', 'username', 'handle', 'يوزر', 'يوزري', 'حسابي', 'add', 'follow', 'ضيفني', 'تابعني',
      'at', 'dot', 'period', 'ات', 'آت', 'دوت', 'نقطة', 'www', 'http', 'https', 'hxxp', 'hxxps',
      'call', 'text', 'كلمني', 'رقمي', 'جوالي', 'contact', 'dm'])
  ) t
$$;

-- 1. The shape pass: lowered text -> a class per character (digit '0',
-- Latin letter 'a', Arabic letter 'b'; anything else kept), one translate().
create or replace function proto.shape(p text) returns text
language sql immutable as $$
  select translate(lower(p),
    '0123456789abcdefghijklmnopqrstuvwxyzءآأؤإئابةتثجحخدذرزسشصضطظعغـفقكلمنهوىي',
    repeat('0', 10) || repeat('a', 26) || repeat('b', length('ءآأؤإئابةتثجحخدذرزسشصضطظعغـفقكلمنهوىي')))
$$;

-- 3. A screen: which stages can fire, from the shape (strpos) and from the
-- tokens of the lowered text (one split, one jsonb ?| for "any trigger word",
-- one query for which). Returns the stages that must run.
create or replace function proto.screen(p text, dict jsonb) returns text[]
language plpgsql immutable as $$
declare
  s text := proto.shape(p);
  l text := lower(p);
  toks text[];
  out text[] := '{}';
begin
  if strpos(s, '0') > 0 then out := out || 'digits'::text; end if;
  if strpos(s, '@') > 0 then out := out || 'at'::text; end if;
  if strpos(s, 'a.a') > 0 or strpos(s, '/') > 0 then out := out || 'link'::text; end if;
  toks := string_to_array(translate(l, '.,;:!?()[]{}"''/\-_+*#@،؛؟' || chr(10), repeat(' ', 26)), ' ');
  if dict ?| toks then
    out := out || array(select t from unnest(toks) t where dict ? t);
  end if;
  return out;
end $$;

-- the same screen without the list of which words: only the yes/no
create or replace function proto.screen_bool(p text, dict jsonb) returns boolean
language plpgsql immutable as $$
declare
  s text := proto.shape(p);
begin
  return strpos(s, '0') > 0 or strpos(s, '@') > 0 or strpos(s, 'a.a') > 0
    or dict ?| string_to_array(translate(lower(p), '.,;:!?()[]{}"''/\-_+*#@،؛؟' || chr(10), repeat(' ', 26)), ' ');
end $$;

-- candidate windows of the shape: every digit run's place (strpos loop on
-- the shape, no expression engine)
create or replace function proto.digit_runs(p text) returns integer
language plpgsql immutable as $$
declare
  s text := proto.shape(p);
  n integer := 0;
  i integer;
  rest text := s;
  at integer := 0;
begin
  loop
    i := strpos(rest, '0');
    exit when i = 0;
    n := n + 1;
    rest := ltrim(right(rest, -i), '0');
  end loop;
  return n;
end $$;

-- floors of the engine: one run of a large expression on a 40-character
-- window against the whole text (the e-mail expression of mask_contact_scan
-- over the full list of top-level domains)
create or replace function proto.email_pattern() returns text
language sql immutable as $$
  select '[a-z0-9_%+\-](?:[a-z0-9._%+\-\x01]*[a-z0-9_%+\-])?\x01*@\x01*[a-z0-9\-]+(?:\x01*\.\x01*[a-z0-9\-]+)*\x01*\.\x01*(?:'
    || mask_cur.mask_alternation(string_to_array(mask_cur.mask_tld_pattern(), '|')) || ')(?![a-z])'
$$;
create or replace function proto.run_window(p text, pat text, n integer) returns integer
language plpgsql immutable as $$
declare k integer := 0;
begin
  for i in 1 .. n loop
    if substr(p, 1 + (i * 37) % 900, 40) ~* pat then k := k + 1; end if;
  end loop;
  return k;
end $$;
create or replace function proto.run_whole(p text, pat text, n integer) returns integer
language plpgsql immutable as $$
declare k integer := 0;
begin
  for i in 1 .. n loop
    if p ~* pat then k := k + 1; end if;
  end loop;
  return k;
end $$;
-- a PL/pgSQL statement's floor: n trivial assignments
create or replace function proto.statements(n integer) returns integer
language plpgsql immutable as $$
declare k integer := 0;
begin
  for i in 1 .. n loop
    k := k + length('x');
  end loop;
  return k;
end $$;

-- the driver: n calls of one block on one text (the dictionary built once)
create or replace function proto.loop(p text, n integer, what text) returns integer
language plpgsql as $$
declare
  dict jsonb := proto.trigger_words();
  names jsonb := proto.platform_words();
  platform text := mask_cur.mask_platform_pattern('all');
  r record;
  k integer := 0;
  t text;
  a text[];
  b boolean;
begin
  for i in 1 .. n loop
    if what = 'full' then r := mask_cur.mask_contact_scan(p, false);
    elsif what = 'shape' then t := proto.shape(p);
    elsif what = 'screen' then a := proto.screen(p, dict);
    elsif what = 'screen_bool' then b := proto.screen_bool(p, dict);
    elsif what = 'digit_runs' then k := proto.digit_runs(p);
    elsif what = 'regexp_pass' then t := regexp_replace(p, '[0-9]', '0', 'g');
    elsif what = 'split_words' then a := regexp_split_to_array(lower(p), '[^a-z0-9\u0621-\u064A]+');
    elsif what = 'shape_digits' then t := translate(p, '123456789', '000000000');
    elsif what = 'lower' then t := lower(p);
    elsif what = 'tokens_lookup' then
      a := regexp_split_to_array(lower(p), '[^a-z0-9\u0621-\u064A]+');
      a := array(select x from unnest(a) x where dict ? x);
    elsif what = 'screen_safe' then b := proto.screen_safe(p, dict);
    elsif what = 'platform_words' then b := proto.platform_by_words(p, names);
    elsif what = 'platform_expression' then b := lower(p) ~* platform;
    elsif what = 'floor' then k := length(p);
    end if;
  end loop;
  return k;
end $$;

-- the screen, second form: a text may skip the scan only when every
-- character is a Latin or basic Arabic letter, a space or plain punctuation
-- (no digit of any script, no '.', '@', '/', tatweel, marks or emoji: those
-- go through normalising first) and no word is a trigger word
create or replace function proto.screen_safe(p text, dict jsonb) returns boolean
language plpgsql immutable as $$
begin
  return p ~ '^[a-zA-Z\u0621-\u063A\u0641-\u064A ,!?،؛؟\n()]*$'
    and not dict ?| string_to_array(translate(lower(p), ',!?،؛؟()' || chr(10), repeat(' ', 9)), ' ');
end $$;

-- (2) applied to one stage: is a platform named? By words looked up in a
-- jsonb (Arabic affixes of the expression stripped: و/ب/ع/عال, ال, ي/ك;
-- names of two words joined), against the expression of mask_contact_scan
-- (mask_platform_pattern('all')). Same answer wanted on every text.
create or replace function proto.platform_words() returns jsonb
language sql immutable as $$
  select jsonb_object_agg(w, 1) from unnest(array[
    'سناب', 'سنب', 'سناپ', 'سنابشات', 'سنابتشات', 'انستا', 'إنستا', 'أنستا', 'انستقرام', 'انستغرام', 'إنستغرام', 'إنستقرام', 'أنستقرام', 'أنستغرام',
    'انستجرام', 'انستكرام', 'انسطقرام', 'انستقرم', 'انستغرم', 'انسترام', 'انستيقرام',
    'تويتر', 'تيكتوك', 'تكتوك', 'تلجرام', 'تليجرام', 'تلقرام', 'تليقرام', 'تلغرام', 'تليغرام', 'تلكرام',
    'تلىجرام', 'تلي', 'واتساب', 'وتساب', 'واتس', 'وتس', 'واتسب', 'فيسبوك', 'فيس', 'لينكدان', 'لينكدإن',
    'ديسكورد', 'يوتيوب', 'بيهانس', 'دريبل', 'سكايب', 'ثريدز', 'جيميل', 'جيمل', 'قوقلميل', 'هوتميل',
    'ياهو', 'اوتلوك', 'أوتلوك', 'ايكلاود', 'آيكلاود',
    'snapchat', 'snap', 'sn4p', 'insta', 'instagram', 'instgram', 'instagrm', 'twitter', 'tiktok',
    'telegram', 'telgram', 'telegrm', 'tele', 'whatsapp', 'whats', 'wats', 'watsapp', 'facebook',
    'linkedin', 'discord', 'youtube', 'behance', 'dribbble', 'skype', 'threads', 'signal', 'viber',
    'wechat', 'kik', 'gmail', 'hotmail', 'outlook', 'yahoo', 'icloud', 'protonmail', 'sc', 'ig', 'tg',
    'fb', 'wa', 'wts', 'wtsp', 'yt', 'tt', 'dc',
    'snap chat', 'tik tok', 'whats app', 'سناب شات', 'سناب تشات', 'تيك توك', 'واتس اب', 'وتس اب',
    'فيس بوك', 'جي ميل', 'هوت ميل', 'لينكد ان', 'لينكد إن', 'اي كلاود', 'آي كلاود', 'قوقل ميل']) w
$$;

create or replace function proto.platform_by_words(p text, names jsonb) returns boolean
language plpgsql immutable as $$
declare
  l text := lower(p);
  toks text[];
  t text;
  prev text := '';
begin
  if strpos(p, '👻') > 0 or strpos(p, '📸') > 0 or strpos(p, '🐦') > 0 or strpos(p, '🎵') > 0
     or strpos(p, '✈') > 0 or strpos(p, '📘') > 0 then
    return true;
  end if;
  toks := regexp_split_to_array(l, '[^a-z0-9\u0621-\u064A]+');
  if names ?| toks then return true; end if;
  foreach t in array toks loop
    -- two words of one name, then the Arabic affixes
    if names ? (prev || ' ' || t) then return true; end if;
    prev := t;
    if t ~ '^[\u0621-\u064A]' then
      if names ? regexp_replace(t, '[يك]$', '') then return true; end if;
      t := regexp_replace(t, '^(?:[وبع]|عال)?(?:ال)?', '');
      if names ? t or names ? regexp_replace(t, '[يك]$', '') then return true; end if;
    end if;
  end loop;
  return false;
end $$;
