-- =============================================================================
-- Contact masking: fewer runs of the engine and fewer walks of arrays per
-- call (issue 11: masking a 1,000-character message within 2 ms p95). Same
-- pipeline and the same results as 20251205000100
-- (tests/chat/test_masking_identity.py compares both definitions on the
-- whole table of cases, the benchmark's messages, random mixes and edge
-- cases of the changes below; bench.masking times both in the same run).
--   * mask_rewrite_near (the at/dot forms, spaced letters, spaces around
--     '@'): the merged windows around the triggers are joined by chr(7)
--     and rewritten by one run of the pattern, not one mask_rewrite (two
--     function calls, a run of the engine, a copy of the text) per window;
--   * mask_number_words_to_digits: the words by foreach, each cut from its
--     part once (parts[k] of a flat array walks it from its start).
-- The functions keep their signatures, owners and grants (create or replace).
-- =============================================================================

-- Rewrite in windows of 40 characters around where a trigger matches (as
-- in 20251204000300), the windows joined into one text.
create or replace function public.mask_rewrite_near(p_text text, p_trigger text,
  p_pattern text, p_what text)
returns text language plpgsql immutable parallel safe set search_path = '' as $$
declare
  s text := p_text;
  trig int4range[];
  j integer;
  wl integer;
  wu integer;
  nl integer;
  nu integer;
  win text;
  joined text := '';
  jlen integer := 0;     -- characters of joined
  ws integer[] := '{}';  -- where each window starts in p_text
  wj integer[] := '{}';  -- and in joined
  f record;
  k integer;
  w integer;
  b integer;
  hit text;
  rep text;
begin
  trig := public.mask_trigger_spans(p_text, p_trigger, 'i');
  if cardinality(trig) = 0 then
    return s;
  end if;
  -- the merged windows, as before, joined by chr(7): one run of the
  -- pattern (one mask_spans) instead of one per window. No element of
  -- the three patterns the scanner passes matches chr(7) (not a space,
  -- letter, digit or one of their marks), and every lookaround of them
  -- answers the same before or after it as at the start or end of a text
  -- ((?<![a-z]), (?<=[a-z0-9]), (?![a-z]), (?=[a-z]), (?=\s*com),
  -- (?:\s|$|[^a-z])), so the matches in joined are those of each window
  -- alone, none across two; a chr(7) in the text itself is matched by
  -- none either, in a window alone as in joined.
  wl := greatest(1, lower(trig[1]) - 40);
  wu := upper(trig[1]) + 40;
  for j in 2 .. cardinality(trig) + 1 loop
    if j <= cardinality(trig) then
      nl := greatest(1, lower(trig[j]) - 40);
      nu := upper(trig[j]) + 40;
      if nl <= wu then
        wu := greatest(wu, nu);
        continue;
      end if;
    end if;
    win := substr(p_text, wl, wu - wl);
    if jlen > 0 then
      joined := joined || chr(7);
      jlen := jlen + 1;
    end if;
    ws := ws || wl;
    wj := wj || (jlen + 1);
    joined := joined || win;
    jlen := jlen + length(win);
    wl := nl;
    wu := nu;
  end loop;
  -- (as mask_rewrite: every match by a computed text padded with chr(1) to
  -- its length, from the last; windows never overlap, so each match is
  -- placed back by the window it lies in)
  f := public.mask_spans(joined, p_pattern, 'i');
  w := cardinality(wj);
  for k in reverse coalesce(array_length(f.spans, 1), 0) .. 1 loop
    b := lower(f.spans[k]);
    while wj[w] > b loop
      w := w - 1;
    end loop;
    hit := f.texts[k];
    rep := case p_what
      when 'atdot' then case when strpos(lower(hit), 'dot') > 0 or strpos(hit, '.') > 0 or strpos(hit, 'دوت') > 0
                                  or strpos(hit, 'نقطة') > 0 or strpos(lower(hit), 'period') > 0 then '.' else '@' end
      when 'squeeze' then translate(hit, ' ' || chr(1), '')
      when 'blank' then repeat(chr(3), length(hit))
    end;
    s := overlay(s placing rep || repeat(chr(1), length(hit) - length(rep))
                 from b - wj[w] + ws[w] for length(hit));
  end loop;
  return s;
end
$$;

-- Number words to digits: as in 20251205000100, the words by foreach.
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
  prev_k integer := 2;  -- the last word that counted, and where it starts
  prev_b integer;
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
