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
--     text's end); the trigger has no look-behind.
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
  -- the trigger of mask_contact_scan (20251205000100), anchored: at the
  -- start of the text, and after it (`^` of its dot branch cannot match)
  first_pat constant text := '^(?:[(\[{<][^)\]}>]{0,8}[)\]}>]|\s(?:at|arroba|آت|أت|ات)\s+[a-z][a-z0-9\-]*\s*(?:\.\s*[a-z]{2}|dot|\(|\[|\{|دوت|نقطة)|\s(?:at|arroba|آت|أت|ات)\s+(?:gmail|hotmail|outlook|yahoo|icloud|جي ?ميل|جيمل|هوت ?ميل|ياهو)|(?:^|[^a-z])(?:dot|period)(?:[^a-z]|$)|دوت|نقطة|علامة|at ?sign)';
  mid_pat constant text := '^(?:[(\[{<][^)\]}>]{0,8}[)\]}>]|\s(?:at|arroba|آت|أت|ات)\s+[a-z][a-z0-9\-]*\s*(?:\.\s*[a-z]{2}|dot|\(|\[|\{|دوت|نقطة)|\s(?:at|arroba|آت|أت|ات)\s+(?:gmail|hotmail|outlook|yahoo|icloud|جي ?ميل|جيمل|هوت ?ميل|ياهو)|[^a-z](?:dot|period)(?:[^a-z]|$)|دوت|نقطة|علامة|at ?sign)';
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
begin
  -- (one character for one: the places in the copy are the text's)
  fold := translate(p_text, 'ATROBDPEI[{<', 'atrobdpei(((');
  foreach lit in array array['(', 'at', 'arroba', 'آت', 'أت', 'ات', 'dot', 'period', 'دوت', 'نقطة', 'علامة'] loop
    continue when strpos(fold, lit) = 0;
    parts := string_to_array(fold, lit);
    pos := 1;
    for k in 1 .. cardinality(parts) - 1 loop
      pos := pos + length(parts[k]);        -- where this occurrence starts
      if lit in ('(', 'دوت', 'نقطة', 'علامة') then
        places := places || pos;
      else
        if lit = 'at' then
          places := places || pos;          -- "at sign"
        end if;
        if pos = 1 then
          if lit in ('dot', 'period') then
            places := places || pos;        -- `^` then the word
          end if;
        else
          -- the character before: \s for «at»-like ones, [^a-z] for
          -- «dot»/«period»; tried unless it surely is neither
          c := ascii(right(parts[k], 1));
          if k > 1 and parts[k] = '' then
            c := ascii(right(lit, 1));      -- right after the previous occurrence
          end if;
          if lit in ('dot', 'period') then
            if not (c between 65 and 90 or c between 97 and 122) then
              places := places || (pos - 1);
            end if;
          elsif not (c between 48 and 57 or c between 65 and 90 or c between 97 and 122
                     or c between 1569 and 1610) then
            places := places || (pos - 1);
          end if;
        end if;
      end if;
      pos := pos + length(lit);
    end loop;
  end loop;
  if cardinality(places) = 0 then
    return out_spans;
  end if;
  foreach s in array array(select distinct x from unnest(places) x order by x) loop
    continue when s < nxt;
    if s = 1 then
      mt := regexp_match(p_text, first_pat, 'i');
    else
      mt := regexp_match(substr(p_text, s), mid_pat, 'i');
    end if;
    if mt is not null then
      out_spans := out_spans || int4range(s, s + length(mt[1]));
      nxt := s + length(mt[1]);
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
