-- =============================================================================
-- Contact masking: the at/dot trigger located from its literal text (issue
-- 11: masking a 1,000-character message within 2 ms p95). Same results as
-- 20251205000100 (tests/chat/test_masking_identity.py compares both
-- definitions and the spans of the trigger found both ways; bench.masking
-- times both in the same run).
--
-- The «at»/«dot» forms are rewritten in windows around the matches of the
-- at/dot trigger of mask_contact_scan. Finding them by the expression over
-- the whole text cost 0.3-0.7 ms a call (one run of the engine per match,
-- each setting up the automaton of a large pattern). Every match holds a
-- literal and starts on it or on the character before: a bracket (branch
-- 1), «at»/«arroba»/«آت»/«أت»/«ات» after \s (2, 3), «dot»/«period» after
-- [^a-z] or the start (4), «دوت»/«نقطة»/«علامة»/«at sign» (5). Those places
-- are found by string_to_array over lower() of the text, and at each, in
-- order from where the last match ended, the longest match of the branches
-- that can start there is the trigger's (an alternation: greedy, the
-- longest match at the leftmost place):
--   * branch 1 by strpos: the first closing bracket within the 9 characters
--     after the opening one;
--   * branches 2 and 3 by their expression, anchored, on the text from the
--     place to its end;
--   * branch 4 by the characters around «dot»: not an ASCII letter before
--     (or the start), then not one after, or the end;
--   * branch 5: the Arabic words are the match.
-- The previous way (the expression over the whole text) when lower()
-- changes the length, when the text holds a character whose case maps to or
-- from an ASCII letter in some locale («İ», «ı», «ſ», the Kelvin sign), or
-- «period» / «at sign» (rare; 'i' is not the same letter in every locale).
-- mask_trigger_spans keeps its signature, owner and grants (create or
-- replace); any other trigger, or the at/dot one with other flags, goes the
-- previous way.
-- =============================================================================

create or replace function public.mask_atdot_trigger_spans(p_text text, p_trigger text)
returns int4range[] language plpgsql immutable parallel safe set search_path = '' as $$
declare
  -- branches 2 and 3 of the trigger, anchored
  b23 constant text := '^(?:\s(?:at|arroba|آت|أت|ات)\s+[a-z][a-z0-9\-]*\s*(?:\.\s*[a-z]{2}|dot|\(|\[|\{|دوت|نقطة)|\s(?:at|arroba|آت|أت|ات)\s+(?:gmail|hotmail|outlook|yahoo|icloud|جي ?ميل|جيمل|هوت ?ميل|ياهو))';
  kinds integer[] := '{}';  -- per place: 1 bracket, 2 «at»-like, 10 + n a match of n characters
  kk integer;
  best integer;
  fold text;
  lit text;
  parts text[];
  places integer[] := '{}';
  out_spans int4range[] := '{}';
  pos integer;
  k integer;
  c integer;
  q integer;
  s integer;
  nxt integer := 1;    -- where the search goes on (the end of the last match)
  mt text[];
  w text;
begin
  fold := lower(p_text);
  if length(fold) <> length(p_text)
     or strpos(p_text, 'İ') > 0 or strpos(p_text, 'ı') > 0 or strpos(p_text, 'ſ') > 0
     or strpos(p_text, 'K') > 0
     or strpos(fold, 'period') > 0 or strpos(fold, 'perıod') > 0
     or strpos(fold, 'atsign') > 0 or strpos(fold, 'at sign') > 0
     or strpos(fold, 'atsıgn') > 0 or strpos(fold, 'at sıgn') > 0 then
    return (public.mask_spans(p_text, p_trigger, 'i')).spans;
  end if;
  foreach lit in array array['(', '[', '{', '<', 'at', 'arroba', 'آت', 'أت', 'ات', 'dot', 'دوت', 'نقطة', 'علامة'] loop
    continue when strpos(fold, lit) = 0;
    parts := string_to_array(fold, lit);
    pos := 1;
    for k in 1 .. cardinality(parts) - 1 loop
      -- where this occurrence starts
      pos := pos + length(parts[k]) + case when k > 1 then length(lit) else 0 end;
      if lit in ('(', '[', '{', '<') then
        places := places || pos;
        kinds := kinds || 1;
      elsif lit in ('دوت', 'نقطة', 'علامة') then
        places := places || pos;
        kinds := kinds || (10 + length(lit));
      elsif lit = 'dot' then
        -- [^a-z] (no case) or the end after it: not an ASCII letter (the
        -- text holds no character whose case is one)
        c := ascii(substr(p_text, pos + 3, 1));           -- 0 at the end
        continue when c between 65 and 90 or c between 97 and 122;
        q := case when c = 0 then 3 else 4 end;           -- «dot» and what follows
        if pos = 1 then
          places := places || 1;                            -- `^` then «dot»
          kinds := kinds || (10 + q);
        else
          c := ascii(substr(p_text, pos - 1, 1));
          if not (c between 65 and 90 or c between 97 and 122) then
            places := places || (pos - 1);
            kinds := kinds || (11 + q);
          end if;
        end if;
      else
        -- \s before and after «at»-like words: the place before is tried
        -- unless the characters around surely are not
        c := ascii(left(parts[k + 1], 1));  -- 0 at the end
        if parts[k + 1] = '' and k + 1 < cardinality(parts) then
          c := ascii(lit);                  -- the next occurrence right after
        end if;
        continue when c between 48 and 57 or c between 65 and 90 or c between 97 and 122
                      or c between 1569 and 1610;
        continue when pos = 1;
        c := ascii(right(parts[k], 1));
        if k > 1 and parts[k] = '' then
          c := ascii(right(lit, 1));        -- right after the previous occurrence
        end if;
        if not (c between 48 and 57 or c between 65 and 90 or c between 97 and 122
                or c between 1569 and 1610) then
          places := places || (pos - 1);
          kinds := kinds || 2;
        end if;
      end if;
    end loop;
  end loop;
  if cardinality(places) = 0 then
    return out_spans;
  end if;
  -- the places in order (a place may come with several kinds: the longest
  -- match of their branches there is the trigger's)
  select array_agg(u.p order by u.p, u.k), array_agg(u.k order by u.p, u.k)
    into places, kinds from unnest(places, kinds) u(p, k);
  best := 0;
  for k in 1 .. cardinality(places) + 1 loop
    if k > 1 and (k > cardinality(places) or places[k] <> places[k - 1]) then
      s := places[k - 1];
      if best > 0 then
        out_spans := out_spans || int4range(s, s + best);
        nxt := s + best;
      end if;
      best := 0;
    end if;
    exit when k > cardinality(places);
    continue when places[k] < nxt;
    s := places[k];
    kk := kinds[k];
    if kk = 1 then
      -- the first closing bracket within the next 9 characters
      w := substr(p_text, s + 1, 9);
      q := 0;
      foreach lit in array array[')', ']', '}', '>'] loop
        c := strpos(w, lit);
        if c > 0 and (q = 0 or c < q) then
          q := c;
        end if;
      end loop;
      if q > 0 then
        best := greatest(best, q + 1);
      end if;
    elsif kk = 2 then
      mt := regexp_match(substr(p_text, s), b23, 'i');
      if mt is not null then
        best := greatest(best, length(mt[1]));
      end if;
    else
      best := greatest(best, kk - 10);  -- «dot» and the characters around, an Arabic word
    end if;
  end loop;
  return out_spans;
end
$$;
revoke execute on function public.mask_atdot_trigger_spans(text, text) from public, anon, authenticated;
grant execute on function public.mask_atdot_trigger_spans(text, text) to service_role;

-- Where a trigger matches, as spans in order: as in 20251204000300, and the
-- at/dot trigger of mask_contact_scan by its literals (above).
create or replace function public.mask_trigger_spans(p_text text, p_trigger text, p_flags text)
returns int4range[] language plpgsql immutable parallel safe set search_path = '' as $$
declare
  out_spans int4range[] := '{}';
  pos integer;
  k integer;
  rest text;
begin
  if p_flags = 'i' and p_trigger = '[(\[{<][^)\]}>]{0,8}[)\]}>]|\s(?:at|arroba|آت|أت|ات)\s+[a-z][a-z0-9\-]*\s*(?:\.\s*[a-z]{2}|dot|\(|\[|\{|دوت|نقطة)|\s(?:at|arroba|آت|أت|ات)\s+(?:gmail|hotmail|outlook|yahoo|icloud|جي ?ميل|جيمل|هوت ?ميل|ياهو)|(?:^|[^a-z])(?:dot|period)(?:[^a-z]|$)|دوت|نقطة|علامة|at ?sign' then
    return public.mask_atdot_trigger_spans(p_text, p_trigger);
  end if;
  if p_trigger <> '@' then
    return (public.mask_spans(p_text, p_trigger, p_flags)).spans;
  end if;
  pos := strpos(p_text, '@');
  if pos = 0 then
    return out_spans;
  end if;
  rest := p_text;
  k := 0;          -- characters of p_text before rest
  while pos > 0 loop
    out_spans := out_spans || int4range(k + pos, k + pos + 1);
    k := k + pos;
    rest := substr(rest, pos + 1);
    pos := strpos(rest, '@');
  end loop;
  return out_spans;
end
$$;
