-- =============================================================================
-- Contact masking: the at/dot trigger located from its literal text (issue
-- 11: masking a 1,000-character message within 2 ms p95). Same results as
-- 20251205000100 (tests/chat/test_masking_identity.py compares both
-- definitions; bench.masking times both in the same run).
--
-- The windows in which «at»/«dot» forms are rewritten lie around the matches
-- of the at/dot trigger. Finding those matches by the expression over the
-- whole text (one run of the engine per match, each building its
-- automaton's states afresh while it searches from the last match, for a
-- pattern that can start at almost any character) cost 0.3-0.7 ms a call.
-- Every match holds a literal — a bracket, «at», «arroba», «آت», «أت», «ات»,
-- «dot», «period», «دوت», «نقطة», «علامة» — and starts on it or on the
-- character before it. Those places are found by string_to_array over a
-- copy with the Latin letters of the literals in lower case (translate: one
-- character for one, so the places are the text's), and the trigger is run
-- anchored at each place, in order, from where the last match ended:
--   * the first place where the anchored trigger matches is the leftmost
--     match (no match starts elsewhere);
--   * the trigger is an alternation (greedy): the match there is the
--     longest, as the anchored one (`^(?:...)`, greedy too);
--   * its `(?:^|[^a-z])` can take `^` only at the start of the text: after
--     it, the anchored pattern is the trigger with `[^a-z]` there;
--   * the anchored run reads the text from the place to its end (`$` is the
--     text's end; the trigger has no look-behind), or only its next 48
--     characters when they hold 5 runs of characters other than \s: a
--     match of a branch after «at»-like words holds at most 4 (the word,
--     a name, '.', two letters; «جي ميل»), the other branches are at most
--     10 characters long, so every match there ends before the 5th run and
--     is one of the 48 characters, and the other way round.
-- A place before «at»-like literals whose character is a letter or a digit
-- (not \s) is not tried, nor one before «dot»/«period» that is a Latin
-- letter (not [^a-z] without case).
-- mask_trigger_spans keeps its signature, owner and grants (create or
-- replace); any other trigger, or the at/dot one with other flags, goes the
-- previous way.
-- =============================================================================

create or replace function public.mask_atdot_trigger_spans(p_text text)
returns int4range[] language plpgsql immutable parallel safe set search_path = '' as $$
declare
  -- the branches of the trigger of mask_contact_scan (20251205000100),
  -- anchored, each alone: a bracket; «at»-like words; «dot»/«period» (after
  -- the start of the text, and at it); the words alone
  b1 constant text := '^[(\[{<][^)\]}>]{0,8}[)\]}>]';
  b23 constant text := '^(?:\s(?:at|arroba|آت|أت|ات)\s+[a-z][a-z0-9\-]*\s*(?:\.\s*[a-z]{2}|dot|\(|\[|\{|دوت|نقطة)|\s(?:at|arroba|آت|أت|ات)\s+(?:gmail|hotmail|outlook|yahoo|icloud|جي ?ميل|جيمل|هوت ?ميل|ياهو))';
  b4 constant text := '^[^a-z](?:dot|period)(?:[^a-z]|$)';
  b4_first constant text := '^[^a-z]?(?:dot|period)(?:[^a-z]|$)';
  b5 constant text := '^(?:دوت|نقطة|علامة|at ?sign)';
  kinds integer[] := '{}';  -- per place: 1 bracket, 2 «at»-like, 4 dot, 5 word
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
  s integer;
  nxt integer := 1;    -- where the search goes on (the end of the last match)
  mt text[];
  w text;
  j integer;
begin
  -- (lowering keeps the places when it keeps the length: a text where it
  -- does not goes the previous way; the literals hold no 'i', whatever the
  -- locale does to 'I'; the brackets are looked for one by one)
  fold := lower(p_text);
  if length(fold) <> length(p_text) then
    return (public.mask_spans(p_text, '[(\[{<][^)\]}>]{0,8}[)\]}>]|\s(?:at|arroba|آت|أت|ات)\s+[a-z][a-z0-9\-]*\s*(?:\.\s*[a-z]{2}|dot|\(|\[|\{|دوت|نقطة)|\s(?:at|arroba|آت|أت|ات)\s+(?:gmail|hotmail|outlook|yahoo|icloud|جي ?ميل|جيمل|هوت ?ميل|ياهو)|(?:^|[^a-z])(?:dot|period)(?:[^a-z]|$)|دوت|نقطة|علامة|at ?sign', 'i')).spans;
  end if;
  foreach lit in array array['(', '[', '{', '<', 'at', 'arroba', 'آت', 'أت', 'ات', 'dot', 'per', 'دوت', 'نقطة', 'علامة',
                             'at s', 'ats'] loop
    continue when strpos(fold, lit) = 0;
    parts := string_to_array(fold, lit);
    pos := 1;
    for k in 1 .. cardinality(parts) - 1 loop
      -- where this occurrence starts
      pos := pos + length(parts[k]) + case when k > 1 then length(lit) else 0 end;
      if lit in ('(', '[', '{', '<', 'دوت', 'نقطة', 'علامة', 'at s', 'ats') then
        places := places || pos;
        kinds := kinds || case when lit in ('(', '[', '{', '<') then 1 else 5 end;
      else
        -- the characters after and before: \s for «at»-like ones, [^a-z]
        -- (or the end, or `^` before) for «dot»/«period»; the place before
        -- is tried unless they surely are not (read in the lowered copy: an
        -- 'i' or a 'k' there may be «İ» or the Kelvin sign, not letters of
        -- [a-z] without case)
        c := ascii(left(parts[k + 1], 1));  -- 0 at the end
        if parts[k + 1] = '' and k + 1 < cardinality(parts) then
          c := ascii(lit);                  -- the next occurrence right after
        end if;
        if lit = 'dot' then
          continue when c between 65 and 90 or (c between 97 and 122 and c not in (105, 107));
        elsif lit = 'per' then
          null;                             -- «per» of «period»: 'i' next
        else
          continue when c is null or c between 48 and 57 or c between 65 and 90 or (c between 97 and 122 and c not in (105, 107))
                        or c between 1569 and 1610;
        end if;
        if pos = 1 then
          if lit in ('dot', 'per') then
            places := places || pos;        -- `^` then the word
            kinds := kinds || 4;
          end if;
        else
          c := ascii(right(parts[k], 1));
          if k > 1 and parts[k] = '' then
            c := ascii(right(lit, 1));      -- right after the previous occurrence
          end if;
          if lit in ('dot', 'per') then
            if not (c between 65 and 90 or (c between 97 and 122 and c not in (105, 107))) then
              places := places || (pos - 1);
              kinds := kinds || 4;
            end if;
          elsif not (c between 48 and 57 or c between 65 and 90 or (c between 97 and 122 and c not in (105, 107))
                     or c between 1569 and 1610) then
            places := places || (pos - 1);
            kinds := kinds || 2;
          end if;
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
      -- all the kinds of the place before are tried
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
    if kk = 2 then
      -- (48 characters when they hold 5 runs of characters other than \s:
      -- see above)
      w := substr(p_text, s, 48);
      if length(w) = 48 and cardinality(array_remove(regexp_split_to_array(w, '\s+'), '')) < 5 then
        w := substr(p_text, s);
      end if;
      mt := regexp_match(w, b23, 'i');
    else
      w := substr(p_text, s, 10);
      mt := regexp_match(w, case kk when 1 then b1 when 5 then b5
                                   else case when s = 1 then b4_first else b4 end end, 'i');
    end if;
    if mt is not null then
      best := greatest(best, length(mt[1]));
    end if;
  end loop;
  return out_spans;
end
$$;
revoke execute on function public.mask_atdot_trigger_spans(text) from public, anon, authenticated;
grant execute on function public.mask_atdot_trigger_spans(text) to service_role;

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
    return public.mask_atdot_trigger_spans(p_text);
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
