-- =============================================================================
-- Matching, third version: the top k of the whole table, found through an
-- inverted index, and exact.
--
-- The score of a freelancer for a request is one formula:
--
--   0.32 · cover       share of the request's words found in the freelancer's
--                      headline and skills (weight-A lexemes, Arabic + English stems)
-- + 0.22 · category    1 for the request's category first, 0.6 as another category
-- + 0.22 · skills      the analysis' skills whose every word the freelancer has,
--                      weighted by their word count (specific skills weigh more)
-- + quality           0.10 · rating/5 + 0.05 · availability (public.freelancer_quality)
-- + 0.04 · budget      1 when their minimum fits the budget, less as it exceeds it
-- + 0.03 · trigram     similarity of their names/headline/skills to the request
-- + 0.25 · embedding   cosine similarity, when the request carries an embedding
--
-- Every term but the last two is known from the postings alone: `freelancer_terms`
-- holds one row per (headline/skill lexeme, freelancer) with the freelancer's
-- quality, minimum budget and categories, so the words' postings, aggregated per
-- freelancer (a bit per word, index-only), give the exact "base" score (everything
-- but trigram and embedding) of every freelancer who has any of the words.
-- Trigram adds at most 0.03: with θ the k-th best base score, only freelancers
-- whose base is ≥ θ − 0.03 can be in the top k; those few (read from the table)
-- get the full score. Freelancers with none of the words score at most
-- 0.22 + 0.15 + 0.04 + 0.03 in the category (0.132 + … as another of theirs):
-- they are read, through an index on category and quality, only when θ is that
-- low. A freelancer with none of the words, not in the category and (without an
-- embedding) is no match at all.
-- So the fast path returns the exhaustive scoring's top k (`p_exhaustive`: the
-- same formula over every row, its words read from the row's own search
-- document rather than the postings), ties broken the same way (rating, number
-- of ratings, id). With an embedding, the embedding's nearest (HNSW) join the
-- candidates and the result is approximate.
-- =============================================================================

-- ---------------------------------------------------------------------------
-- Postings carry what the base score needs, read index-only.
-- ---------------------------------------------------------------------------
alter table public.freelancer_terms
  add column if not exists min_budget_sar integer not null default 0,
  add column if not exists categories text[] not null default '{}';

update public.freelancer_terms t
set min_budget_sar = f.min_budget_sar, categories = f.categories
from public.freelancers f
where f.id = t.freelancer_id
  and (t.min_budget_sar is distinct from f.min_budget_sar
       or t.categories is distinct from f.categories);

create index if not exists freelancer_terms_postings_idx
  on public.freelancer_terms (term)
  include (freelancer_id, quality, min_budget_sar, categories);
-- The quality-ordered pools of the second version are gone.
drop index if exists public.freelancer_terms_best_idx;

create or replace function public.freelancers_sync_terms() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  delete from public.freelancer_terms t where t.freelancer_id = new.id;
  insert into public.freelancer_terms
    (term, freelancer_id, rating, rating_count, quality, min_budget_sar, categories)
  select distinct l.lexeme, new.id, coalesce(new.rating, 0), coalesce(new.rating_count, 0),
         public.freelancer_quality(new.rating, new.availability::text),
         coalesce(new.min_budget_sar, 0), coalesce(new.categories, '{}')
  from unnest(new.search_document) l
  where 'A' = any (l.weights);
  return new;
end
$$;

drop trigger if exists freelancers_sync_terms_update on public.freelancers;
create trigger freelancers_sync_terms_update
  after update on public.freelancers
  for each row
  when (old.search_document is distinct from new.search_document
        or old.rating is distinct from new.rating
        or old.rating_count is distinct from new.rating_count
        or old.availability is distinct from new.availability
        or old.min_budget_sar is distinct from new.min_budget_sar
        or old.categories is distinct from new.categories)
  execute function public.freelancers_sync_terms();

revoke execute on function public.freelancers_sync_terms() from public, anon, authenticated,
  service_role;

-- ---------------------------------------------------------------------------
-- The ranking
-- ---------------------------------------------------------------------------
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
  quality_expr constant text := '((0.10 * (coalesce(f.rating, 0) / 5.0) + 0.05 * (case '
    'f.availability when ''available'' then 1 when ''limited'' then 0.6 else 0 end))'
    '::double precision)';
  parts text;
  margin float8 := 0.03;
  has_embedding boolean;
  use_embedding boolean;
  embedding_term text := '0::float8';
  c_ids uuid[];
  c_lbs float8[];
  c_covers float8[];
  c_cfits float8[];
  c_bfits float8[];
  theta float8;
  floor_primary float8 := 'infinity';
  floor_other float8 := 'infinity';
  q_k float8;
  extras text := '';
  norm_skills text[];
begin
  select coalesce(array_agg(distinct public.normalize_arabic(btrim(x))), '{}') into norm_skills
  from unnest(coalesce(p_skills, '{}')) x where btrim(x) <> '';
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
  for s in
    select x from unnest(norm_skills) x order by 1
  loop
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
      skill_sum := skill_sum || format(' + (case when k.bits & %1$s = %1$s then %2$s else 0 end)',
                                       s_mask, cardinality(string_to_array(s, ' ')));
    end if;
  end loop;

  -- The score's parts over a row k(id, bits, cats, q, mb): one formula for the fast
  -- path and the exhaustive scoring.
  parts := format($f$
    bit_count((k.bits & %1$s)::bit(64))::float8 / %2$s as cover,
    (case when %3$L::text is null then 0 when k.cats[1] = %3$L then 1
          when %3$L = any (k.cats) then 0.6 else 0 end)::float8 as c_fit,
    least(1, (%4$s)::float8 / %5$s)::float8 as s_fit,
    k.q,
    (case when %6$s::integer is null then 0.5 when k.mb <= %6$s then 1
          else greatest(0, 1 - (k.mb - %6$s)::float8 / greatest(%6$s, 1)) end)::float8 as b_fit
  $f$, words_mask, greatest(n_words, 1), p_category, skill_sum,
       greatest(least(s_total, 4), 1), coalesce(p_budget_max::text, 'null'));

  select exists (select 1 from pg_attribute
                 where attrelid = 'public.freelancers'::regclass and attname = 'embedding'
                   and not attisdropped) into has_embedding;
  use_embedding := p_embedding is not null and has_embedding;
  if use_embedding then
    embedding_term :=
      'coalesce(1 - (f.embedding operator(extensions.<=>) $3::extensions.vector), 0)';
    margin := margin + 0.25;
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
          f.categories as cats, %2$s as q, f.min_budget_sar as mb
        from public.freelancers f where not (f.id = any ($4))
      ), p as (
        select k.id, %1$s from k
        -- a match needs a reason: a word, the category, or an embedding
        where k.bits <> 0 or ($9::text is not null and $9 = any (k.cats)) or %4$s
      ), scored as (
        select p.id, p.cover, p.c_fit, p.b_fit,
          (0.32 * p.cover + 0.22 * p.c_fit + 0.22 * p.s_fit + p.q + 0.04 * p.b_fit)::float8
          + 0.03 * extensions.similarity(f.search_text, $5)::float8 + 0.25 * %3$s as score,
          f.rating, f.rating_count
        from p join public.freelancers f on f.id = p.id
        order by score desc, f.rating desc, f.rating_count desc, p.id
        limit $6 offset $7
      )
      select f.id, f.display_name::text, f.display_name_en::text, f.headline::text,
        f.headline_en::text, f.rating, f.rating_count, f.categories, f.skills,
        f.availability::text, f.min_budget_sar, s.score, s.cover, s.c_fit,
        array(select sk from unnest(f.skills) sk
              where position(public.normalize_arabic(sk) in $5) > 0
                 or exists (select 1 from unnest($8::text[]) ps
                            where public.normalize_arabic(sk) like '%%' || ps || '%%')),
        s.b_fit
      from scored s join public.freelancers f on f.id = s.id
      order by s.score desc, f.rating desc, f.rating_count desc, f.id
    $q$, parts, quality_expr, embedding_term, use_embedding)
    using a_terms, a_bits, p_embedding, excl, nq, lim, off, norm_skills, p_category;
    return;
  end if;

  -- 1. Everyone who has any of the words: the exact base score from the postings;
  --    keep those within `margin` of the k-th best.
  execute format($q$
    with atoms as (
      select x.term, bit_or(x.bit) as bit from unnest($1::text[], $2::bigint[]) x(term, bit)
      group by x.term
    ), k as (
      select t.freelancer_id as id, bit_or(a.bit) as bits, max(t.categories) as cats,
        max(t.quality) as q, max(t.min_budget_sar) as mb
      from atoms a join public.freelancer_terms t on t.term = a.term
      where not (t.freelancer_id = any ($3))
      group by t.freelancer_id
    ), p as (
      select k.id, %1$s from k
    ), b as (
      select p.id, (0.32 * p.cover + 0.22 * p.c_fit + 0.22 * p.s_fit + p.q + 0.04 * p.b_fit)::float8
        as lb, p.cover, p.c_fit, p.b_fit
      from p
    ), th as (
      select b.lb from b order by b.lb desc offset $4 - 1 limit 1
    ), kept as (
      select b.* from b
      where b.lb >= coalesce((select th.lb from th), '-infinity'::float8) - $5
      order by b.lb desc limit case when $6 then $4 * 20 + 200 end
    )
    select array_agg(id), array_agg(lb), array_agg(cover), array_agg(c_fit), array_agg(b_fit),
      (select th.lb from th)
    from kept
  $q$, parts)
  into c_ids, c_lbs, c_covers, c_cfits, c_bfits, theta
  using a_terms, a_bits, excl, want, margin, use_embedding;

  -- 2. Those without any of the words, only where they could still place: in the
  --    category (base ≤ 0.22 + quality + 0.04), or with it as another of theirs
  --    (≤ 0.132 + …). θ is a lower bound of the k-th best score; without k word
  --    matches, the k best-rated of the category give one.
  if theta is null and p_category is not null then
    execute format($q$
      select min(q) from (
        select %1$s as q from public.freelancers f
        where f.categories[1] = $1 and not (f.id = any ($2))
        order by f.categories[1], %1$s desc limit $3) best
      having count(*) >= $3
    $q$, quality_expr) into q_k using p_category, excl, want;
    theta := 0.22 + q_k;
  end if;
  theta := coalesce(theta, '-infinity'::float8);
  if p_category is not null then
    floor_primary := theta - 0.22 - 0.04 - margin;
    floor_other := theta - 0.132 - 0.04 - margin;
  end if;
  if floor_primary <= 0.15 then
    extras := extras || format($x$
      union all
      select f.id from public.freelancers f
      where f.categories[1] = $7 and %1$s >= $8 and not (f.id = any ($9))$x$, quality_expr);
  end if;
  if floor_other <= 0.15 then
    extras := extras || format($x$
      union all
      select f.id from public.freelancers f
      where f.categories @> array[$7::text] and f.categories[1] <> $7 and %1$s >= $10
        and not (f.id = any ($9))$x$, quality_expr);
  end if;
  if use_embedding then
    -- The embedding's nearest: approximate (HNSW), and the embedding term is not bounded.
    extras := extras || $x$
      union all
      (select f.id from public.freelancers f
       where f.embedding is not null and not (f.id = any ($9))
       order by f.embedding operator(extensions.<=>) $3::extensions.vector limit 100)$x$;
  end if;

  -- 3. The candidates' full score, and the page.
  return query execute format($q$
    with atoms as (
      select x.term, bit_or(x.bit) as bit from unnest($1::text[], $2::bigint[]) x(term, bit)
      group by x.term
    ), found as (
      select u.id, u.lb, u.cover, u.c_fit, u.b_fit
      from unnest($4::uuid[], $5::float8[], $12::float8[], $13::float8[], $14::float8[])
        u(id, lb, cover, c_fit, b_fit)
    ), other_ids as (
      select null::uuid as id where false %3$s
    ), k as (
      -- their words read from their own search document (few rows; none of the words,
      -- unless found by the embedding)
      select f.id,
        coalesce((select bit_or(a.bit) from unnest(f.search_document) l
                  join atoms a on a.term = l.lexeme where 'A' = any (l.weights)), 0) as bits,
        f.categories as cats, %2$s as q, f.min_budget_sar as mb
      from public.freelancers f
      where f.id in (select o.id from other_ids o except select found.id from found)
    ), p as (
      select k.id, %1$s from k
    ), cand as (
      select found.* from found
      union all
      select p.id, (0.32 * p.cover + 0.22 * p.c_fit + 0.22 * p.s_fit + p.q + 0.04 * p.b_fit)::float8,
        p.cover, p.c_fit, p.b_fit
      from p
    ), th as (
      select cand.lb from cand order by cand.lb desc offset $15 - 1 limit 1
    ), scored as (
      select c.id, c.cover, c.c_fit, c.b_fit,
        c.lb + 0.03 * extensions.similarity(f.search_text, $6)::float8 + 0.25 * %4$s as score,
        f.rating, f.rating_count
      from cand c join public.freelancers f on f.id = c.id
      where c.lb >= coalesce((select th.lb from th), '-infinity'::float8) - $16
      order by score desc, f.rating desc, f.rating_count desc, c.id
      limit $17 offset $18
    )
    select f.id, f.display_name::text, f.display_name_en::text, f.headline::text,
      f.headline_en::text, f.rating, f.rating_count, f.categories, f.skills,
      f.availability::text, f.min_budget_sar, s.score, s.cover, s.c_fit,
      array(select sk from unnest(f.skills) sk
            where position(public.normalize_arabic(sk) in $6) > 0
               or exists (select 1 from unnest($19::text[]) ps
                          where public.normalize_arabic(sk) like '%%' || ps || '%%')),
      s.b_fit
    from scored s join public.freelancers f on f.id = s.id
    order by s.score desc, f.rating desc, f.rating_count desc, f.id
  $q$, parts, quality_expr, extras, embedding_term)
  using a_terms, a_bits, p_embedding, coalesce(c_ids, '{}'), coalesce(c_lbs, '{}'), nq,
        p_category, floor_primary, excl, floor_other, null::float8,
        coalesce(c_covers, '{}'), coalesce(c_cfits, '{}'), coalesce(c_bfits, '{}'),
        want, margin, lim, off, norm_skills;
end
$$;

comment on function public.match_freelancers(text, text, text[], integer, uuid[], integer, integer, text, boolean) is
  'Ranks freelancers for a request: coverage of the request''s words by their headline and '
  'skills, category and skill fit, rating, availability, budget fit, trigram similarity, '
  'embedding similarity when given. Exact top k through the postings of freelancer_terms; '
  'p_exhaustive scores every freelancer with the same formula.';

revoke execute on function public.match_freelancers(
  text, text, text[], integer, uuid[], integer, integer, text, boolean)
from public, anon, authenticated;
grant execute on function public.match_freelancers(
  text, text, text[], integer, uuid[], integer, integer, text, boolean)
to service_role;
