-- =============================================================================
-- Matching: the page's matched skills folded with one call per freelancer.
--
-- match_freelancers (20251206000200) folded each skill of each freelancer on the
-- page apart: ~45 calls of public.normalize_arabic per page, each a SQL function
-- that is not inlined (its `set search_path`), 1-1.5 ms of the ~15 ms of server
-- CPU of a pool read at 100k. Now a freelancer's skills are joined by U+0001,
-- folded in one call and split again (each piece trimmed of the spaces the fold
-- trims at a string's ends); same result, skill for skill, because
-- - U+0001 is none of what the fold touches: not a diacritic it strips, not in its
--   translate() list (from or to), not in its space set ([\u0009-\u000D
--   \u001C-\u0020 …]), and lower() folds one character at a time (and U+0001,
--   a control character, is neither cased nor case-ignorable, so even a
--   context-sensitive lower() such as ICU's final sigma sees a string end there):
--   the fold neither makes, removes nor moves it, and a run of spaces never spans
--   it, so the joined fold is the pieces' folds (before their end trims) joined;
-- - a freelancer any of whose skills contains U+0001 (nothing forbids it) is folded
--   skill by skill as before (the test reads the skills joined by nothing); so is a
--   skill without a piece (a lone empty skill: string_to_array('') has none);
-- - a null skill joins as '' (array_to_string's third argument) and folds to ''
--   either way.
-- The rest of the function is 20251206000200's, unchanged.
-- =============================================================================

create or replace function public.match_freelancers(
  p_query text,
  p_category text default null,
  p_skills text[] default '{}',
  p_budget_max integer default null,
  p_exclude uuid[] default '{}',
  p_limit integer default 5,
  p_offset integer default 0,
  p_embedding text default null,
  p_exhaustive boolean default false
) returns table (
  freelancer_id uuid,
  display_name text,
  display_name_en text,
  headline text,
  headline_en text,
  rating numeric,
  rating_count integer,
  categories text[],
  skills text[],
  availability text,
  min_budget_sar integer,
  score double precision,
  text_score double precision,
  category_fit double precision,
  matched_skills text[],
  budget_fit double precision
)
language plpgsql stable set search_path = '' as $$
declare
  nq text := public.normalize_arabic(p_query);
  lim integer := greatest(1, least(coalesce(p_limit, 5), 50));
  off integer := greatest(0, coalesce(p_offset, 0));
  want integer := greatest(0, coalesce(p_offset, 0)) + greatest(1, least(coalesce(p_limit, 5), 50));
  excl uuid[] := coalesce(p_exclude, '{}');
  a_terms text[] := '{}';   -- atom terms (a word's Arabic/English stems) …
  a_bits bigint[] := '{}';  -- … and the atom's bit
  n_words integer := 0;
  words_mask bigint := 0;
  next_bit integer;
  s text;
  s_mask bigint;
  s_total float8 := 0;
  skill_sum text := '0';
  r record;
  norm_skills text[];
  skill_likes text[];  -- '%<skill>%' of each: the page's test of a freelancer's skill
  -- The formula, written once. Placeholders: @bits@ (the request's atoms the freelancer
  -- has), @cats@, @q@ (public.freelancer_quality), @mb@ (minimum budget).
  cover_f text;
  cfit_f text;
  bfit_f text;
  text_f text;    -- the part that depends on the freelancer's words
  static_f text;  -- the part that depends on the freelancer alone
  quality_f constant text := '((0.10 * (coalesce(f.rating, 0) / 5.0) + 0.05 * (case '
    'f.availability when ''available'' then 1 when ''limited'' then 0.6 else 0 end))'
    '::double precision)';
  margin float8 := 0;
  has_embedding boolean;
  use_embedding boolean;
  embedding_term text := '0::float8';
  c_ids uuid[];
  c_scores float8[];
  c_bits bigint[];
  theta float8;
  q_k float8;
  floor_primary float8 := 'infinity';
  floor_other float8 := 'infinity';
  extras text := '';
  common_terms text[];
  common_mask bigint;
  postings bigint;
  outside_best float8;
  c_st float8[];
  common_df float8;
  nearest text := '';
  -- early stopping (see the header)
  -- the quality bands (20251202000300)
  use_impact boolean := false;
  q_low float8;
  q_top float8 := 'infinity';
  full_text float8;
  head_ids uuid[];
  head_scores float8[];
  head_bits bigint[];
  band_max float8;
  n_terms text[] := '{}';
  n_bits bigint := 0;
  try_bits bigint;
  sk_masks bigint[] := '{}';
  sk_weights float8[] := '{}';
  s_div float8;
  theta0 float8;
  seed_lb float8;
  seed_r numeric;
  seed_rc integer;
  seed_id uuid;
  o_terms text[];
  o_bits bigint[];
  m integer;
  suf bigint[];
  qp float8[];
  qo float8[];
  try_text float8;
  try_skills float8;
  i integer;
  j integer;
  qn float8[];
  q_other float8;
  -- text groups (20251204000400)
  use_groups boolean := false;
  named_ids uuid[];
  group_postings integer;
  -- the pool (20251205000200)
  use_pool boolean := false;
  full_terms text[];
  top_terms text[];
  top_mask bigint;
  sk_weight_ints integer[] := '{}';
  top_bits bigint[];
  sig_masks bigint[];
  sig_bits bigint[];
begin
  select coalesce(array_agg(distinct public.normalize_arabic(btrim(x))), '{}') into norm_skills
  from unnest(coalesce(p_skills, '{}')) x where btrim(x) <> '';
  skill_likes := array(select '%' || ps || '%' from unnest(norm_skills) ps);

  -- The request's words: one atom each (at most 40), bits 0 .. n_words-1.
  for r in
    select w.word, array_agg(w.term) as terms
    from public.match_word_terms(p_query) w group by w.word order by w.word limit 40
  loop
    a_terms := a_terms || r.terms;
    a_bits := a_bits || array_fill((1::bigint << n_words), array[cardinality(r.terms)]);
    words_mask := words_mask | (1::bigint << n_words);
    n_words := n_words + 1;
  end loop;

  -- The analysis' skills: an atom per word of each; a skill counts when the freelancer
  -- has all its words. A skill of several words says more than a generic one:
  -- weight = its word count.
  next_bit := n_words;
  foreach s in array norm_skills loop
    s_total := s_total + cardinality(string_to_array(s, ' '));
    s_mask := 0;
    for r in
      select w.word, array_agg(w.term) as terms
      from public.match_word_terms(s) w group by w.word order by w.word
    loop
      exit when next_bit > 62;
      a_terms := a_terms || r.terms;
      a_bits := a_bits || array_fill((1::bigint << next_bit), array[cardinality(r.terms)]);
      s_mask := s_mask | (1::bigint << next_bit);
      next_bit := next_bit + 1;
    end loop;
    if s_mask <> 0 and next_bit <= 63 then
      sk_masks := sk_masks || s_mask;
      sk_weights := sk_weights || cardinality(string_to_array(s, ' '))::float8;
      sk_weight_ints := sk_weight_ints || cardinality(string_to_array(s, ' '));
      skill_sum := skill_sum || format(' + (case when @bits@ & %1$s = %1$s then %2$s else 0 end)',
                                       s_mask, cardinality(string_to_array(s, ' ')));
    end if;
  end loop;

  cover_f := format('(bit_count((@bits@ & %s)::bit(64))::float8 / %s)',
                    words_mask, greatest(n_words, 1));
  cfit_f := format('(case when %1$L::text is null then 0 when (@cats@)[1] = %1$L then 1 '
                   'when %1$L = any (@cats@) then 0.6 else 0 end)::float8', p_category);
  bfit_f := format('(case when %1$s::integer is null then 0.5 when @mb@ <= %1$s then 1 '
                   'else greatest(0, 1 - (@mb@ - %1$s)::float8 / greatest(%1$s, 1)) end)::float8',
                   coalesce(p_budget_max::text, 'null'));
  text_f := format('(0.32 * %s + 0.22 * least(1, (%s)::float8 / %s))::float8',
                   cover_f, skill_sum, greatest(least(s_total, 4), 1));
  static_f := format('(0.22 * %s + @q@ + 0.04 * %s)::float8', cfit_f, bfit_f);

  select exists (select 1 from pg_attribute
                 where attrelid = 'public.freelancers'::regclass and attname = 'embedding'
                   and not attisdropped) into has_embedding;
  use_embedding := p_embedding is not null and has_embedding;
  if use_embedding then
    embedding_term :=
      'coalesce(1 - (f.embedding operator(extensions.<=>) $3::extensions.vector), 0)';
    margin := 0.25;
  end if;

  if coalesce(p_exhaustive, false) then
    -- The same formula over every row, the words read from the row's own search document.
    return query execute format($q$
      with atoms as (
        select x.term, bit_or(x.bit) as bit from unnest($1::text[], $2::bigint[]) x(term, bit)
        group by x.term
      ), k as (
        select f.id,
          coalesce((select bit_or(a.bit) from unnest(f.search_document) l
                    join atoms a on a.term = l.lexeme where 'A' = any (l.weights)), 0) as bits,
          f.categories as cats, %3$s as q, f.min_budget_sar as mb, %4$s as emb
        from public.freelancers f where not (f.id = any ($4))
      ), scored as (
        select k.id, k.bits, %1$s + %2$s + 0.25 * k.emb as score
        from k
        -- a match needs a reason: a word, the category, or an embedding
        where k.bits <> 0 or ($9::text is not null and $9 = any (k.cats)) or %5$s
      )
      select f.id, f.display_name::text, f.display_name_en::text, f.headline::text,
        f.headline_en::text, f.rating, f.rating_count, f.categories, f.skills,
        f.availability::text, f.min_budget_sar, s.score, %6$s, %7$s,
        array(select sk from unnest(f.skills) sk
              where position(public.normalize_arabic(sk) in $5) > 0
                 or exists (select 1 from unnest($8::text[]) ps
                            where public.normalize_arabic(sk) like '%%' || ps || '%%')),
        %8$s
      from scored s join public.freelancers f on f.id = s.id
      order by s.score desc, f.rating desc, f.rating_count desc, f.id
      limit $6 offset $7
    $q$,
      replace(text_f, '@bits@', 'k.bits'),
      replace(replace(replace(static_f, '@cats@', 'k.cats'), '@q@', 'k.q'), '@mb@', 'k.mb'),
      quality_f, embedding_term, use_embedding::text,
      replace(cover_f, '@bits@', 's.bits'), replace(cfit_f, '@cats@', 'f.categories'),
      replace(bfit_f, '@mb@', 'f.min_budget_sar'))
    using a_terms, a_bits, p_embedding, excl, nq, lim, off, norm_skills, p_category;
    return;
  end if;

  -- 0. Text groups (see the header): when the request's terms have few group postings.
  if not use_embedding then
    if current_setting('khadum.matching_read', true) in ('impact', 'bands') then
      use_groups := false;
    elsif current_setting('khadum.matching_read', true) = 'groups' then
      use_groups := true;
    elsif current_setting('khadum.matching_read', true) = 'pool' then
      use_groups := false;
      use_pool := p_category is not null;
    else
      -- (the group postings first: on profiles that mostly differ they alone exceed
      -- 2,000, and the rest is not counted)
      select count(*) into group_postings from (
        select 1 from public.freelancer_group_terms gt where gt.term = any (a_terms) limit 2001
      ) x;
      if group_postings <= 2000 then
        select group_postings + count(*) into group_postings from (
          (select 1 from public.freelancer_name_terms nt where nt.term = any (a_terms) limit 2001)
          union all
          (select 1 from public.freelancer_text_groups g
           where g.categories @> array[p_category] limit 2001)
        ) x;
      end if;
      use_groups := group_postings <= 2000;
      use_pool := not use_groups and p_category is not null;
    end if;
  end if;
  -- (the pool's formula has 12 skill slots: more skills, the exact reads)
  if use_pool and coalesce(cardinality(sk_masks), 0) > 12 then
    use_pool := false;
  end if;
  if use_groups then
    raise debug 'khadum.matching_read=groups';
  elsif use_pool then
    raise debug 'khadum.matching_read=pool';
  end if;
  if use_pool then
    -- (see the header) the terms by number of holders: the rarest read in full, up to
    -- 3,000 postings; the others ("common") by their best
    select coalesce(array_agg(z.term order by z.cum) filter (where z.cum <= 3000), '{}'),
           coalesce(array_agg(z.term order by z.cum) filter (where z.cum > 3000), '{}'),
           coalesce(array_agg(z.bit order by z.cum) filter (where z.cum > 3000), '{}'),
           coalesce(bit_or(z.bit) filter (where z.cum > 3000), 0)
      into full_terms, top_terms, top_bits, top_mask
    from (select y.term, y.bit, sum(y.df) over (order by y.df, y.term) as cum
          from (select x.term, bit_or(x.bit) as bit, max(st.freelancers) as df
                from unnest(a_terms, a_bits) x(term, bit)
                join public.freelancer_term_stats st on st.term = x.term
                where st.freelancers > 0
                group by x.term) y) z;
    -- the common terms' signature bits (a term's bit set: the freelancer may have it),
    -- per signature word, and the atom bits they give: 8 slots per word, one per
    -- atom bits (the terms of one or-ed: the same test); more in a word share its last
    -- slot (a looser bound, never a wrong one)
    select array_agg(coalesce(g.m, 0) order by s.i), array_agg(coalesce(g.bit, 0) order by s.i)
      into sig_masks, sig_bits
    from generate_series(1, 32) s(i) left join (
      select y.w * 8 + least(y.n, 8) as i, bit_or(y.m) as m, bit_or(y.bit) as bit
      from (select v.b / 64 as w, v.bit, bit_or(1::bigint << (v.b % 64)) as m,
              row_number() over (partition by v.b / 64 order by v.bit) as n
            from (select x.term, bit_or(x.bit) as bit, public.freelancer_term_bit(x.term) as b
                  from unnest(a_terms, a_bits) x(term, bit) where x.term = any (top_terms)
                  group by x.term) v
            group by v.b / 64, v.bit) y
      group by 1) g on g.i = s.i;
    select h.o_ids, h.o_scores, h.o_bits, h.o_theta into c_ids, c_scores, c_bits, theta
    from public.match_freelancers_pool(a_terms, a_bits, full_terms, top_terms, top_bits,
      top_mask, excl,
      p_category, p_budget_max, want, words_mask, greatest(n_words, 1), sk_masks,
      sk_weight_ints, greatest(least(s_total, 4), 1), sig_masks, sig_bits) h;
    -- Fewer than k found, or a k-th best that someone with the category as another of
    -- theirs and none of the words could beat (≤ 0.132 + 0.15 + 0.04; not read here):
    -- the exact reads below instead.
    if theta is null or theta < 0.322 + 1e-9 then
      raise debug 'khadum.matching_read=pool-fallback';
      use_pool := false;
      c_ids := null;
      c_scores := null;
      c_bits := null;
      theta := null;
    end if;
  end if;
  if use_groups then
    theta0 := '-infinity'::float8;
    -- whoever has words in their names (usually nobody)
    select coalesce(array_agg(distinct nt.freelancer_id), '{}') into named_ids
    from public.freelancer_name_terms nt
    where nt.term = any (a_terms) and not (nt.freelancer_id = any (excl));
    execute format($q$
      with atoms as (
        select x.term, bit_or(x.bit) as bit from unnest($1::text[], $2::bigint[]) x(term, bit)
        group by x.term
      ), gb as (
        select gt.group_id as id, bit_or(a.bit) as bits
        from atoms a join public.freelancer_group_terms gt on gt.term = a.term
        group by gt.group_id
      ), gc as (
        -- and the groups of the category (a match without any of the words)
        select gb.id, gb.bits from gb
        union all
        select g.id, 0::bigint from public.freelancer_text_groups g
        where $6::text is not null and g.categories @> array[$6::text]
          and not exists (select 1 from gb where gb.id = g.id)
      ), gs as materialized (
        -- the group's exact text and category fit: its members (but those with
        -- words in their names) score g + quality + 0.04 · budget fit
        select gb.id, gb.bits, g.categories, %1$s + 0.22 * %2$s as g
        from gc gb join public.freelancer_text_groups g on g.id = gb.id
      ), m as (
        -- whoever has words in their names: the name's bits and the group's, scored
        -- apart (and not as their group's below: $8)
        select nt.freelancer_id, bit_or(a.bit) as bits, max(nt.group_id) as group_id,
          max(nt.quality) as quality, max(nt.rating) as rating,
          max(nt.rating_count) as rating_count, max(nt.min_budget_sar) as min_budget_sar
        from atoms a join public.freelancer_name_terms nt on nt.term = a.term
        where not (nt.freelancer_id = any ($3))
        group by nt.freelancer_id
      ), named as materialized (
        select m.freelancer_id as id, m.bits | coalesce(gb.bits, 0) as bits, %4$s as score,
          m.rating as r, m.rating_count as rc
        from m join public.freelancer_text_groups g on g.id = m.group_id
        left join gb on gb.id = m.group_id
      ), seed as materialized (
        -- the best members by quality of the groups with the best g: exact scores,
        -- their k-th best a lower bound of the k-th best score
        select %3$s as score
        from (select gs.* from gs order by gs.g desc limit 20) gs
        cross join lateral (
          select m.quality, m.min_budget_sar from public.freelancer_group_members m
          where m.group_id = gs.id and not (m.freelancer_id = any ($3))
          order by m.quality desc limit $5) m
      ), th as (
        -- (a group's score of a member with words in their names is a lower bound)
        select greatest($4, coalesce(
          (select seed.score from seed order by seed.score desc offset $5 - 1 limit 1),
          '-infinity'::float8)) - 1e-9 as v
      ), fit as materialized (
        -- in each group that can reach θ, the k first in the page's order of those
        -- whose minimum fits the budget (all, without a budget): their budget fit is
        -- the same (1, or 0.5), so the order is the index's (quality, rating, number
        -- of ratings, id)
        select m.freelancer_id as id, gs.bits, %3$s as score, m.rating as r,
          m.rating_count as rc
        from gs cross join lateral (
          select m.freelancer_id, m.quality, m.min_budget_sar, m.rating, m.rating_count
          from public.freelancer_group_members m
          where m.group_id = gs.id
            and ($7::integer is null or m.min_budget_sar <= $7)
            and not (m.freelancer_id = any ($3)) and not (m.freelancer_id = any ($8))
          order by m.quality desc, m.rating desc, m.rating_count desc, m.freelancer_id
          limit $5) m
        where gs.g + 0.15 + 0.04 >= (select th.v from th)
      ), th2 as (
        select greatest((select th.v from th), coalesce(
          (select z.score from (select fit.score from fit union all select named.score from named) z
           order by z.score desc offset $5 - 1 limit 1), '-infinity'::float8) - 1e-9) as v
      ), cand as (
        select named.id, named.bits, named.score, named.r, named.rc from named
        union all
        select fit.id, fit.bits, fit.score, fit.r, fit.rc from fit
        union all
        -- with a budget, those whose minimum exceeds it (budget fit < 1) and who can
        -- still reach θ: one quality range per group
        select m.freelancer_id as id, gs.bits, %3$s as score, m.rating as r,
          m.rating_count as rc
        from gs cross join lateral (
          select m.freelancer_id, m.quality, m.min_budget_sar, m.rating, m.rating_count
          from public.freelancer_group_members m
          where m.group_id = gs.id and m.quality >= (select th2.v from th2) - gs.g - 0.04
            and m.min_budget_sar > $7
            and not (m.freelancer_id = any ($3)) and not (m.freelancer_id = any ($8))) m
        where $7::integer is not null and gs.g + 0.15 + 0.04 >= (select th2.v from th2)
      ), top as (
        select cand.* from cand order by cand.score desc, cand.r desc, cand.rc desc, cand.id
        limit $5
      )
      select array_agg(top.id), array_agg(top.score), array_agg(top.bits),
        (select min(top.score) from top having count(*) >= $5)
      from top
    $q$,
      replace(text_f, '@bits@', 'gb.bits'),
      replace(cfit_f, '@cats@', 'g.categories'),
      -- the exact score as the other reads and p_exhaustive compute it (the same float8)
      replace(text_f, '@bits@', 'gs.bits') || ' + '
        || replace(replace(replace(static_f, '@cats@', 'gs.categories'), '@q@', 'm.quality'),
                   '@mb@', 'm.min_budget_sar'),
      replace(text_f, '@bits@', '(m.bits | coalesce(gb.bits, 0))') || ' + '
        || replace(replace(replace(static_f, '@cats@', 'g.categories'), '@q@', 'm.quality'),
                   '@mb@', 'm.min_budget_sar'))
    into c_ids, c_scores, c_bits, theta
    using a_terms, a_bits, excl, theta0, want, p_category, p_budget_max, named_ids;
    theta := greatest(theta, theta0);
    if theta = '-infinity'::float8 then
      theta := null;
    end if;
  -- 1. Everyone who has any of the words and could place, scored exactly from the
  --    postings (index-only). With a category and no embedding, early stopping
  --    (see the header): the category's quality bands in full, then MaxScore over
  --    the rest.
  elsif p_category is not null and not use_embedding and not use_pool then
    s_div := greatest(least(s_total, 4), 1);
    -- Which read: in impact order (below) when the request's terms have many postings;
    -- the quality bands of 20251202000300 otherwise, which read less of few postings.
    -- Only the speed depends on the choice, never the result (tests set
    -- khadum.matching_read to 'impact' or 'bands' to check both).
    select coalesce(sum(st.freelancers), 0) into postings
    from (select distinct x.term from unnest(a_terms) x(term)) x
    join public.freelancer_term_stats st on st.term = x.term;
    use_impact := case current_setting('khadum.matching_read', true)
                    when 'impact' then true when 'bands' then false
                    else postings >= 4000 end;
  end if;
  if use_groups or use_pool then
    null;  -- the groups (or the pool) were read above
  elsif p_category is not null and not use_embedding and not use_impact then
    raise debug 'khadum.matching_read=bands';
    full_text := (case when n_words > 0 then 0.32 else 0 end)
                 + 0.22 * least(1, coalesce((select sum(w) from unnest(sk_weights) w), 0) / s_div);
    -- the category's bands of quality, best first, then (null) everyone else
    foreach q_low in array array[0.13, 0.11, null]::float8[] loop
      if q_low is not null and theta0 is not null
         and full_text + 0.26 + q_top + 1e-9 < theta0 then
        continue;  -- nobody in the category below q_top can place
      end if;
      -- the most the static part can be in this band
      band_max := (case when q_low is null then greatest(0.22 + least(q_top, 0.15), 0.22 * 0.6 + 0.15)
                        else 0.22 + least(q_top, 0.15) end) + 0.04;
      -- N: the most common terms whose bits together cannot lift anyone in the band to θ0
      n_terms := '{}';
      n_bits := 0;
      if theta0 is not null and q_low is null then
        for r in
          select x.term, bit_or(x.bit) as bits, max(coalesce(st.freelancers, 0)) as df
          from unnest(a_terms, a_bits) x(term, bit)
          left join public.freelancer_term_stats st on st.term = x.term
          group by x.term having max(coalesce(st.freelancers, 0)) > 0
          order by df desc, x.term
        loop
          try_bits := n_bits | r.bits;
          -- text_f of someone with every bit in try_bits
          try_text := 0.32 * bit_count((try_bits & words_mask)::bit(64))::float8
                      / greatest(n_words, 1);
          try_skills := 0;
          for i in 1 .. coalesce(cardinality(sk_masks), 0) loop
            if try_bits & sk_masks[i] = sk_masks[i] then
              try_skills := try_skills + sk_weights[i];
            end if;
          end loop;
          try_text := try_text + 0.22 * least(1, try_skills / s_div);
          if try_text + band_max + 1e-9 < theta0 then
            n_terms := n_terms || r.term;
            n_bits := try_bits;
          end if;
        end loop;
      end if;
      execute format($q$
        with atoms as (
          select x.term, bit_or(x.bit) as bit from unnest($1::text[], $2::bigint[]) x(term, bit)
          group by x.term
        ), k as (
          select t.freelancer_id as id, bit_or(a.bit) as bits, max(%2$s) as st
          from atoms a join public.freelancer_terms t on t.term = a.term and %5$s
          where not (a.term = any ($4)) and not (t.freelancer_id = any ($3))
          group by t.freelancer_id
        ), c as (
          select k.id, k.bits, k.st, k.ub
          from (select k.*, %3$s + k.st as ub from k) k where k.ub >= $7 - 1e-9
        ), %6$s
        ), b as (
          select e.id, e.bits, %4$s + e.st as score from e
          union all
          select h.id, h.bits, h.score
          from unnest($9::uuid[], $10::float8[], $11::bigint[]) h(id, score, bits)
        ), th as (
          select b.score from b order by b.score desc offset $8 - 1 limit 1
        )
        select array_agg(b.id), array_agg(b.score), array_agg(b.bits), (select th.score from th)
        from b where b.score >= coalesce((select th.score from th), '-infinity'::float8)
      $q$,
        replace(text_f, '@bits@', 'k.bits'),
        replace(replace(replace(static_f, '@cats@', 't.categories'), '@q@', 't.quality'),
                '@mb@', 't.min_budget_sar'),
        replace(text_f, '@bits@', format('(k.bits | %s)', n_bits)),
        replace(text_f, '@bits@', 'e.bits'),
        case when q_low is null
          then 'not (t.categories[1] is not distinct from $5 and t.quality >= $6)'
          else 't.categories[1] = $5 and t.quality >= $12 and t.quality < $6' end,
        case when cardinality(n_terms) = 0 then 'e as (select c.id, c.st, c.bits from c'
          -- N probed by primary key: the best bounds first, which usually lifts θ0, then
          -- whoever still reaches it
          else format($e$e0 as materialized (
            select c.* from c order by c.ub desc limit 64
          ), e1 as (
            select c.id, c.st, c.bits | coalesce(p.bits, 0) as bits
            from e0 c cross join lateral (
              select bit_or(a.bit) as bits from atoms a
              join public.freelancer_terms t on t.term = a.term and t.freelancer_id = c.id
              where a.term = any ($4)) p
          ), t1 as (
            select z.s from (select %1$s + e1.st as s from e1
                             union all select unnest($10::float8[])) z
            order by z.s desc offset $8 - 1 limit 1
          ), e2 as (
            select c.id, c.st, c.bits | coalesce(p.bits, 0) as bits
            from c cross join lateral (
              select bit_or(a.bit) as bits from atoms a
              join public.freelancer_terms t on t.term = a.term and t.freelancer_id = c.id
              where a.term = any ($4)) p
            where c.ub >= greatest($7, coalesce((select t1.s from t1), '-infinity'::float8)) - 1e-9
              and not exists (select 1 from e0 where e0.id = c.id)
          ), e as (
            select * from e1 union all select * from e2$e$, replace(text_f, '@bits@', 'e1.bits'))
          end)
      into head_ids, head_scores, head_bits, theta0
      using a_terms, a_bits, excl, n_terms, p_category, q_top,
            coalesce(theta0, '-infinity'::float8), want,
            coalesce(head_ids, '{}'), coalesce(head_scores, '{}'), coalesce(head_bits, '{}'),
            q_low;
      if q_low is not null then
        q_top := q_low;
      end if;
    end loop;
    c_ids := head_ids;
    c_scores := head_scores;
    c_bits := head_bits;
    theta := theta0;
  elsif p_category is not null and not use_embedding then
    raise debug 'khadum.matching_read=impact';
    -- The request's terms, rarest first (the order only changes the speed), their
    -- bits, and R(j): the text of someone with every term from the j-th on.
    -- (the terms of one word side by side: R falls once a word's terms are all behind)
    select coalesce(array_agg(z.term order by z.gdf, z.bits, z.df, z.term), '{}'),
           coalesce(array_agg(z.bits order by z.gdf, z.bits, z.df, z.term), '{}')
      into o_terms, o_bits
    from (select y.*, max(y.df) over (partition by y.bits) as gdf
          from (select x.term, bit_or(x.bit) as bits, coalesce(max(st.freelancers), 0) as df
                from unnest(a_terms, a_bits) x(term, bit)
                left join public.freelancer_term_stats st on st.term = x.term
                group by x.term) y) z;
    m := cardinality(o_terms);
    suf := array[0::bigint];
    for j in reverse m .. 1 loop
      suf := (suf[1] | o_bits[j]) || suf;
    end loop;
    -- θ0, a lower bound of the k-th best score: the category's k best qualities
    -- (0.22 + quality, words or not), and the lower bounds of the category's best-rated
    -- holders of each term (the bits seen among them only)
    execute format($q$
      select min(q) from (
        select %1$s as q from public.freelancers f
        where f.categories[1] = $1 and not (f.id = any ($2))
        order by f.categories[1], %1$s desc limit $3) best
      having count(*) >= $3
    $q$, quality_f) into q_k using p_category, excl, want;
    theta0 := 0.22 + q_k;
    if m > 0 then
      execute format($q$
        with atoms as (
          select a.term, a.bit from unnest($1::text[], $2::bigint[]) a(term, bit)
        ), k as (
          select t.freelancer_id as id, max(%2$s) as st, max(t.rating) as r,
            max(t.rating_count) as rc
          from atoms a cross join lateral (
            select t.freelancer_id, t.categories, t.quality, t.min_budget_sar, t.rating,
              t.rating_count
            from public.freelancer_terms t
            where t.term = a.term and t.categories[1] = $3 and not (t.freelancer_id = any ($4))
            order by t.quality desc, t.rating desc, t.rating_count desc limit 8) t
          group by t.freelancer_id
          union
          select t.freelancer_id as id, max(%2$s) as st, max(t.rating) as r,
            max(t.rating_count) as rc
          from atoms a cross join lateral (
            select t.freelancer_id, t.categories, t.quality, t.min_budget_sar, t.rating,
              t.rating_count
            from public.freelancer_terms t
            where t.term = a.term and not (t.freelancer_id = any ($4))
            order by t.quality desc, t.rating desc, t.rating_count desc limit 4) t
          group by t.freelancer_id
        )
        select s.lb, s.r, s.rc, s.id from (
          select %1$s + k.st as lb, k.r, k.rc, k.id
          from k cross join lateral (
            select coalesce(bit_or(a.bit), 0) as bits from public.freelancer_terms t
            join atoms a on a.term = t.term
            where t.freelancer_id = k.id and t.term = any ($1)) p) s
        order by s.lb desc, s.r desc, s.rc desc, s.id offset $5 - 1 limit 1
      $q$,
        replace(text_f, '@bits@', 'p.bits'),
        replace(replace(replace(static_f, '@cats@', 't.categories'), '@q@', 't.quality'),
                '@mb@', 't.min_budget_sar'))
      into seed_lb, seed_r, seed_rc, seed_id using o_terms, o_bits, p_category, excl, want;
      theta0 := greatest(theta0, seed_lb);
    end if;
    -- with few in the category as their first, those who have it as another
    -- (0.132 + quality) may give a better θ0
    if coalesce(theta0, '-infinity'::float8) < 0.132 + 0.15 then
      execute format($q$
        select min(q) from (
          select %1$s as q from public.freelancers f
          where f.categories @> array[$1::text] and f.categories[1] <> $1
            and not (f.id = any ($2))
          order by 1 desc limit $3) best
        having count(*) >= $3
      $q$, quality_f) into q_other using p_category, excl, want;
      theta0 := greatest(theta0, 0.132 + q_other);
    end if;
    theta0 := coalesce(theta0 - 1e-9, '-infinity'::float8);
    -- Whoever's rarest term is the j-th scores at most R(j) + their static part, which
    -- is at most 0.26 + quality in the category (as their first), 0.172 + quality
    -- otherwise: the j-th term's postings are read from quality qp(j) = θ0 - R(j) - 0.26
    -- in the category, qo(j) = θ0 - R(j) - 0.172 elsewhere (none above 0.15).
    qp := '{}';
    qo := '{}';
    for j in 1 .. m loop
      try_text := 0.32 * bit_count((suf[j] & words_mask)::bit(64))::float8 / greatest(n_words, 1);
      try_skills := 0;
      for i in 1 .. coalesce(cardinality(sk_masks), 0) loop
        if suf[j] & sk_masks[i] = sk_masks[i] then
          try_skills := try_skills + sk_weights[i];
        end if;
      end loop;
      try_text := try_text + 0.22 * least(1, try_skills / s_div);
      qp := qp || (theta0 - try_text - 0.26 - 1e-9);
      qo := qo || (theta0 - try_text - 0.172 - 1e-9);
    end loop;
    -- qn(j): qo(j) for those without the category at all (static ≤ 0.04 + quality)
    qn := '{}';
    for j in 1 .. m loop
      qn := qn || (qo[j] + 0.132);
    end loop;
    if m > 0 then
      -- A candidate read at quality q was read for every term j where q ≥ qp(j) (qo(j)):
      -- it lacks those it was not read for; jstar, the first term it may have unread
      -- (qp, qo rise with j), starts the unread ones, suf[jstar] their bits. Bounds:
      -- lb = its exact static part + the text of the bits read, ub = + the unread ones.
      -- In the page's order (score desc, rating desc, rating_count desc, id), whoever's
      -- ub cannot beat the k-th best lb (the candidates' or the seeds') nor reach θ0 is
      -- out; the others get the unread terms' postings read down to their lowest
      -- quality (one index range per term), which makes their scores exact. Only the
      -- k best (in that order) are kept: ties at the k-th score are broken here, as
      -- the page would.
      execute format($q$
        with atoms as (
          select a.term, a.bit, a.qp, a.qo, a.qn, a.j::integer as j
          from unnest($1::text[], $2::bigint[], $3::float8[], $4::float8[], $11::float8[])
               with ordinality a(term, bit, qp, qo, qn, j)
        ), k as (
          -- a freelancer's rows agree on everything but the term: their static part
          -- is computed once, from the first category's side the rows were read on
          select t.freelancer_id as id, bit_or(a.bit) as bits, max(t.quality) as q,
            max(t.min_budget_sar) as mb, bool_or(t.prim) as prim, bool_or(t.has_c) as has_c,
            max(t.rating) as r, max(t.rating_count) as rc
          from atoms a cross join lateral (
            -- a term read in full in the category (qp ≤ 0): one pass over its postings
            select t.freelancer_id, t.quality, t.min_budget_sar, t.rating, t.rating_count,
              t.categories[1] is not distinct from $5 as prim, $5 = any (t.categories) as has_c
            from public.freelancer_terms t
            where a.qp <= 0 and t.term = a.term
              and (case when t.categories[1] is not distinct from $5 then t.quality >= a.qp
                        else t.quality >= a.qo
                             and (t.quality >= a.qn or $5 = any (t.categories)) end)
            union all
            select t.freelancer_id, t.quality, t.min_budget_sar, t.rating, t.rating_count,
              true, true
            from public.freelancer_terms t
            where a.qp > 0 and t.term = a.term and t.categories[1] = $5 and t.quality >= a.qp
            union all
            select t.freelancer_id, t.quality, t.min_budget_sar, t.rating, t.rating_count,
              false, $5 = any (t.categories)
            from public.freelancer_terms t
            where a.qp > 0 and a.qo <= 0.15 and t.term = a.term and t.quality >= a.qo
              and t.categories[1] is distinct from $5
              -- without the category at all: static ≤ 0.04 + quality
              and (t.quality >= a.qn or $5 = any (t.categories))
          ) t
          where not (t.freelancer_id = any ($6))
          group by t.freelancer_id
        ), js as materialized (
          -- (materialized: an expression is computed once, not once per reference)
          select k.id, k.bits, k.q, k.prim, k.r, k.rc, %2$s as st,
            -- jstar = 1 + the number of terms read at its quality (the thresholds rise)
            1 + case when k.prim then width_bucket(k.q, $3::float8[])
                     when k.has_c then width_bucket(k.q, $4::float8[])
                     else width_bucket(k.q, $11::float8[]) end as jstar
          from k
        ), ju as materialized (
          select js.*, js.bits | ($8::bigint[])[js.jstar] as ubits from js
        ), c as materialized (
          select js.id, js.bits, js.st, js.jstar, js.r, js.rc, js.q, js.prim, %1$s + js.st as lb,
            %3$s + js.st as ub
          from ju js
        ), k1 as (
          select c.lb as s, c.r, c.rc, c.id from c
          order by c.lb desc, c.r desc, c.rc desc, c.id offset $10 - 1 limit 1
        ), kk as (
          -- the k-th best lower bounds in the page's order: the seeds', the candidates'
          select k1.s, k1.r, k1.rc, k1.id from k1
          union all
          select $12, $13, $14, $15 where $15 is not null
        ), s as materialized (
          select c.* from c
          where c.ub >= $9 and not exists (
            select 1 from kk where (kk.s, kk.r, kk.rc) > (c.ub, c.r, c.rc)
              or ((kk.s, kk.r, kk.rc) = (c.ub, c.r, c.rc) and kk.id < c.id))
        ), g as (
          select s.jstar, min(s.q) filter (where s.prim) as np,
            min(s.q) filter (where not s.prim) as no
          from s group by s.jstar
        ), need as (
          -- the rest of each term's postings down to the lowest quality still unread
          select a.term, a.bit, a.qp, a.qo, a.qn,
            (select min(g.np) from g where g.jstar <= a.j) as np,
            (select min(g.no) from g where g.jstar <= a.j) as no
          from atoms a
        ), more as (
          select t.freelancer_id as id, bit_or(n.bit) as bits
          from need n cross join lateral (
            select t.freelancer_id from public.freelancer_terms t
            where n.np is not null and t.term = n.term and t.categories[1] = $5
              and t.quality >= n.np and t.quality < n.qp
            union all
            select t.freelancer_id from public.freelancer_terms t
            where n.no is not null and t.term = n.term and t.quality >= n.no
              and t.quality < n.qn and t.categories[1] is distinct from $5
          ) t
          where t.freelancer_id in (select s.id from s)
          group by t.freelancer_id
        ), e as materialized (
          select s.id, s.st, s.r, s.rc, s.bits | coalesce(m.bits, 0) as bits
          from s left join more m on m.id = s.id
        ), b as (
          select e.id, e.bits, %4$s + e.st as score, e.r, e.rc from e
        ), top as (
          select b.* from b order by b.score desc, b.r desc, b.rc desc, b.id limit $10
        )
        select array_agg(top.id), array_agg(top.score), array_agg(top.bits),
          (select min(top.score) from top having count(*) >= $10)
        from top
      $q$,
        replace(text_f, '@bits@', 'js.bits'),
        -- static_f with the category's fit from the side read (the same float8)
        replace(replace(replace(static_f,
          cfit_f,
          '(case when k.prim then 1 when k.has_c then 0.6 else 0 end)::float8'),
          '@q@', 'k.q'), '@mb@', 'k.mb'),
        replace(text_f, '@bits@', 'js.ubits'),
        replace(text_f, '@bits@', 'e.bits'),
        null, null, null)
      into c_ids, c_scores, c_bits, theta
      using o_terms, o_bits, qp, qo, p_category, excl, m, suf, theta0, want, qn,
            seed_lb, seed_r, seed_rc, seed_id;
    end if;
    theta := greatest(theta, theta0);
    if theta = '-infinity'::float8 then
      theta := null;
    end if;
  else
    raise debug 'khadum.matching_read=postings';
    -- 1'. (no category, or an embedding) Everyone who has any of the words, scored exactly from the postings alone
    --    (index-only); keep the k best and their ties. The common terms' postings
    --    are not read in full when a bound allows
    --    (MaxScore): θ0, the k-th best score counting the rare terms only, is a lower
    --    bound; a freelancer with only common terms scores at most text(all common
    --    terms) + 0.22 + 0.15 + 0.04; if that is below θ0 they are out, and the common
    --    terms are probed (primary key) only for those who, granted every common
    --    term, would reach θ0.
    -- "common": carried by more than 2.5 % of freelancers (the table's size as estimated
    -- by the planner: only the speed depends on it, never the result)
    select greatest(50, c.reltuples * 0.025) into common_df
    from pg_catalog.pg_class c where c.oid = 'public.freelancers'::regclass;
    select coalesce(array_agg(x.term) filter (where coalesce(st.freelancers, 0) > common_df), '{}'),
           coalesce(bit_or(x.bit) filter (where coalesce(st.freelancers, 0) > common_df), 0),
           coalesce(sum(st.freelancers), 0)
      into common_terms, common_mask, postings
    from (select y.term, bit_or(y.bit) as bit from unnest(a_terms, a_bits) y(term, bit)
          group by y.term) x
    left join public.freelancer_term_stats st on st.term = x.term;

    if postings > 2.4 * common_df and cardinality(common_terms) > 0 and not use_embedding then
      execute format($q$
        with atoms as (
          select x.term, bit_or(x.bit) as bit from unnest($1::text[], $2::bigint[]) x(term, bit)
          where not (x.term = any ($4)) group by x.term
        ), k as (
          select t.freelancer_id as id, bit_or(a.bit) as bits, max(%2$s) as st
          from atoms a join public.freelancer_terms t on t.term = a.term
          where not (t.freelancer_id = any ($3))
          group by t.freelancer_id
        ), b as (
          select k.id, k.bits, k.st, %1$s + k.st as lb, %3$s + k.st as ub from k
        ), common as (
          select x.term, bit_or(x.bit) as bit from unnest($1::text[], $2::bigint[]) x(term, bit)
          where x.term = any ($4) group by x.term
        ), probed as (
          -- the most promising get their exact score now: a higher θ0
          select %4$s + top.st as score
          from (select b.id, b.st, b.bits | coalesce(p.bits, 0) as bits
                from (select b.* from b order by b.ub desc limit 50) b
                cross join lateral (
                  select bit_or(c.bit) as bits from common c
                  join public.freelancer_terms t on t.term = c.term and t.freelancer_id = b.id) p
               ) top
        ), th as (
          select greatest(
            (select b.lb from b order by b.lb desc offset $5 - 1 limit 1),
            (select probed.score from probed order by probed.score desc offset $5 - 1 limit 1)) as v
        )
        select array_agg(b.id), array_agg(b.bits), array_agg(b.st), (select th.v from th)
        from b where b.ub >= (select th.v from th)
      $q$,
        replace(text_f, '@bits@', 'k.bits'),
        replace(replace(replace(static_f, '@cats@', 't.categories'), '@q@', 't.quality'), '@mb@',
                't.min_budget_sar'),
        replace(text_f, '@bits@', format('(k.bits | %s)', common_mask)),
        replace(text_f, '@bits@', 'top.bits'))
      into c_ids, c_bits, c_st, theta
      using a_terms, a_bits, excl, common_terms, want;
      execute format('select %s', replace(text_f, '@bits@', common_mask::text))
        into outside_best;
      outside_best := outside_best + (case when p_category is null then 0 else 0.22 end)
                      + 0.15 + 0.04;
    end if;

    if theta is not null and outside_best < theta then
      execute format($q$
        with atoms as (
          select x.term, bit_or(x.bit) as bit from unnest($1::text[], $2::bigint[]) x(term, bit)
          where x.term = any ($4) group by x.term
        ), e as materialized (
          select u.id, u.st, u.bits | coalesce(p.bits, 0) as bits
          from unnest($6::uuid[], $7::bigint[], $8::float8[]) u(id, bits, st)
          cross join lateral (
            select bit_or(a.bit) as bits from atoms a
            join public.freelancer_terms t on t.term = a.term and t.freelancer_id = u.id) p
        ), b as (
          select e.id, e.bits, %1$s + e.st as score from e
        ), th as (
          select b.score from b order by b.score desc offset $5 - 1 limit 1
        )
        select array_agg(b.id), array_agg(b.score), array_agg(b.bits), (select th.score from th)
        from b where b.score >= (select th.score from th)
      $q$, replace(text_f, '@bits@', 'e.bits'))
      into c_ids, c_scores, c_bits, theta
      using a_terms, a_bits, excl, common_terms, want, c_ids, c_bits, c_st;
    else
      execute format($q$
        with atoms as (
          select x.term, bit_or(x.bit) as bit from unnest($1::text[], $2::bigint[]) x(term, bit)
          group by x.term
        ), k as (
          select t.freelancer_id as id, bit_or(a.bit) as bits, max(%2$s) as st
          from atoms a join public.freelancer_terms t on t.term = a.term
          where not (t.freelancer_id = any ($3))
          group by t.freelancer_id
        ), b as (
          select k.id, k.bits, %1$s + k.st as score from k
        ), th as (
          select b.score from b order by b.score desc offset $4 - 1 limit 1
        ), kept as (
          select b.* from b
          where b.score >= coalesce((select th.score from th), '-infinity'::float8) - $5
          order by b.score desc limit case when $6 then $4 * 20 + 200 end
        )
        select array_agg(id), array_agg(score), array_agg(bits), (select th.score from th)
        from kept
      $q$,
        replace(text_f, '@bits@', 'k.bits'),
        replace(replace(replace(static_f, '@cats@', 't.categories'), '@q@', 't.quality'), '@mb@',
                't.min_budget_sar'))
      into c_ids, c_scores, c_bits, theta
      using a_terms, a_bits, excl, want, margin, use_embedding;
    end if;
  end if;

  -- 2. Those with none of the words, only where they could still place: in the
  --    category (score ≤ 0.22 + quality + 0.04), or with it as another of theirs
  --    (≤ 0.132 + …), read through the category indexes. θ is a lower bound of
  --    the k-th best score; without k word matches, the k best-rated of the
  --    category give one.
  if theta is null and p_category is not null and not use_groups and not use_pool then
    execute format($q$
      select min(q) from (
        select %1$s as q from public.freelancers f
        where f.categories[1] = $1 and not (f.id = any ($2))
        order by f.categories[1], %1$s desc limit $3) best
      having count(*) >= $3
    $q$, quality_f) into q_k using p_category, excl, want;
    theta := 0.22 + q_k;
  end if;
  theta := coalesce(theta, '-infinity'::float8);
  -- (the text groups' read scored the category's groups too; the pool reads the
  -- category's best)
  if p_category is not null and not use_groups and not use_pool then
    floor_primary := theta - 0.22 - 0.04 - margin;
    floor_other := theta - 0.132 - 0.04 - margin;
  end if;
  if floor_primary <= 0.15 then
    extras := extras || format($x$
      union
      select f.id from public.freelancers f
      where f.categories[1] = $6 and %1$s >= $7 and not (f.id = any ($4))$x$, quality_f);
  end if;
  if floor_other <= 0.15 then
    extras := extras || format($x$
      union
      select f.id from public.freelancers f
      where f.categories @> array[$6::text] and f.categories[1] <> $6 and %1$s >= $8
        and not (f.id = any ($4))$x$, quality_f);
  end if;
  if use_embedding then
    -- The embedding's nearest: approximate (HNSW); the embedding term is not bounded.
    nearest := $x$
      union
      (select f.id from public.freelancers f
       where f.embedding is not null and not (f.id = any ($4))
       order by f.embedding operator(extensions.<=>) $3::extensions.vector limit 100)$x$;
  end if;

  -- 3. The page: the candidates (ties broken by rating, number of ratings, id), those
  --    without the words scored from their row. Without extras (the groups' and the
  --    pool's reads, and exact reads that needed none) the candidates alone: a static
  --    statement, whose plan is kept.
  if extras = '' and not use_embedding then
    return query
    with found as (
      select u.id, u.score, u.bits
      from unnest(coalesce(c_ids, '{}'), coalesce(c_scores, '{}'), coalesce(c_bits, '{}'))
        u(id, score, bits)
    ), th as (
      select found.score from found order by found.score desc offset want - 1 limit 1
    ), scored as (
      select c.id, c.bits, c.score + 0.25 * 0::float8 as score, f.rating, f.rating_count
      from found c join public.freelancers f on f.id = c.id
      where c.score >= coalesce((select th.score from th), '-infinity'::float8) - margin
      order by 3 desc, f.rating desc, f.rating_count desc, c.id
      limit lim offset off
    )
    select f.id, f.display_name::text, f.display_name_en::text, f.headline::text,
      f.headline_en::text, f.rating, f.rating_count, f.categories, f.skills,
      f.availability::text, f.min_budget_sar, sc.score,
      (bit_count((sc.bits & words_mask)::bit(64))::float8 / greatest(n_words, 1)),
      (case when p_category::text is null then 0 when (f.categories)[1] = p_category then 1
            when p_category = any (f.categories) then 0.6 else 0 end)::float8,
      array(select z.sk from unnest(f.skills) with ordinality z(sk, o)
            cross join lateral (
              select coalesce(btrim(fs.n[z.o::integer], ' '), public.normalize_arabic(z.sk)) as n
              offset 0) ns
            where position(ns.n in nq) > 0
               or ns.n like any (skill_likes)
            order by z.o),
      (case when p_budget_max::integer is null then 0.5 when f.min_budget_sar <= p_budget_max then 1
            else greatest(0, 1 - (f.min_budget_sar - p_budget_max)::float8
                                 / greatest(p_budget_max, 1)) end)::float8
    from scored sc join public.freelancers f on f.id = sc.id
    cross join lateral (
      -- the row's skills folded in one call (see the header)
      select case when strpos(array_to_string(f.skills, '', ''), E'\x01') = 0
             then string_to_array(public.normalize_arabic(array_to_string(f.skills, E'\x01', '')),
                                  E'\x01') end as n
      offset 0) fs
    order by sc.score desc, f.rating desc, f.rating_count desc, f.id;
    return;
  end if;
  return query execute format($q$
    with atoms as (
      select x.term, bit_or(x.bit) as bit from unnest($1::text[], $2::bigint[]) x(term, bit)
      group by x.term
    ), found as (
      select u.id, u.score, u.bits from unnest($9::uuid[], $10::float8[], $11::bigint[]) u(id, score, bits)
    ), other_ids as (
      -- in the category without any of the words: scored with no words (anyone among
      -- them who has words was scored in full above, and kept if they could place)
      select null::uuid as id where false %1$s
    ), nearest_ids as (
      select null::uuid as id where false %9$s
    ), k as (
      select f.id, 0::bigint as bits, f.categories as cats, %4$s as q, f.min_budget_sar as mb
      from public.freelancers f
      where f.id in (select o.id from other_ids o except select found.id from found
                     except select n.id from nearest_ids n)
      union all
      -- the embedding's nearest: their words read from their own search document
      select f.id,
        coalesce((select bit_or(a.bit) from unnest(f.search_document) l
                  join atoms a on a.term = l.lexeme where 'A' = any (l.weights)), 0),
        f.categories, %4$s, f.min_budget_sar
      from public.freelancers f
      where f.id in (select n.id from nearest_ids n except select found.id from found)
    ), cand as (
      select found.* from found
      union all
      select k.id, %2$s + %3$s, k.bits from k
    ), th as (
      select cand.score from cand order by cand.score desc offset $12 - 1 limit 1
    ), scored as (
      select c.id, c.bits, c.score + 0.25 * %5$s as score, f.rating, f.rating_count
      from cand c join public.freelancers f on f.id = c.id
      where c.score >= coalesce((select th.score from th), '-infinity'::float8) - $13
      order by score desc, f.rating desc, f.rating_count desc, c.id
      limit $14 offset $15
    )
    select f.id, f.display_name::text, f.display_name_en::text, f.headline::text,
      f.headline_en::text, f.rating, f.rating_count, f.categories, f.skills,
      f.availability::text, f.min_budget_sar, s.score, %6$s, %7$s,
      array(select z.sk from unnest(f.skills) with ordinality z(sk, o)
            cross join lateral (
              select coalesce(btrim(fs.n[z.o::integer], ' '), public.normalize_arabic(z.sk)) as n
              offset 0) ns
            where position(ns.n in $5) > 0
               or ns.n like any ($17::text[])
            order by z.o),
      %8$s
    from scored s join public.freelancers f on f.id = s.id
    cross join lateral (
      -- the row's skills folded in one call (see the header)
      select case when strpos(array_to_string(f.skills, '', ''), E'\x01') = 0
             then string_to_array(public.normalize_arabic(array_to_string(f.skills, E'\x01', '')),
                                  E'\x01') end as n
      offset 0) fs
    order by s.score desc, f.rating desc, f.rating_count desc, f.id
  $q$,
    extras,
    replace(text_f, '@bits@', 'k.bits'),
    replace(replace(replace(static_f, '@cats@', 'k.cats'), '@q@', 'k.q'), '@mb@', 'k.mb'),
    quality_f, embedding_term,
    replace(cover_f, '@bits@', 's.bits'), replace(cfit_f, '@cats@', 'f.categories'),
    replace(bfit_f, '@mb@', 'f.min_budget_sar'), nearest)
  using a_terms, a_bits, p_embedding, excl, nq, p_category, floor_primary, floor_other,
        coalesce(c_ids, '{}'), coalesce(c_scores, '{}'), coalesce(c_bits, '{}'),
        want, margin, lim, off, norm_skills, skill_likes;
end
$$;

comment on function public.match_freelancers(text, text, text[], integer, uuid[], integer, integer, text, boolean) is
  'Ranks freelancers for a request: coverage of the request''s words by their headline and '
  'skills, category and skill fit, rating, availability, budget fit, '
  'embedding similarity when given. Top k through the postings of freelancer_terms, '
  'read through text groups (freelancers sharing headline words and categories) when their postings are few, '
  'else, for a request with a category, through a bounded pool (rarest terms in full, the best of common terms, '
  'probes of the best upper bounds; approximate, measured by bench.matching), '
  'else in impact order (rarest terms first, each from the quality that can still place); p_exhaustive scores every '
  'freelancer with the same formula.';

revoke execute on function public.match_freelancers(
  text, text, text[], integer, uuid[], integer, integer, text, boolean)
from public, anon, authenticated;
grant execute on function public.match_freelancers(
  text, text, text[], integer, uuid[], integer, integer, text, boolean)
to service_role;
