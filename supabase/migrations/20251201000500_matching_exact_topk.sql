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

-- How many freelancers carry each term (kept by statement triggers): the ranking
-- aggregates the rare terms' postings and only probes the common ones.
create table if not exists public.freelancer_term_stats (
  term text primary key,
  freelancers integer not null default 0
);
alter table public.freelancer_term_stats enable row level security;
revoke all on public.freelancer_term_stats from anon, authenticated, service_role;
grant select on public.freelancer_term_stats to service_role;

create or replace function public.freelancer_term_stats_count() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if tg_op = 'INSERT' then
    insert into public.freelancer_term_stats (term, freelancers)
    select n.term, count(*) from new_rows n group by n.term
    on conflict (term) do update
      set freelancers = public.freelancer_term_stats.freelancers + excluded.freelancers;
  else
    update public.freelancer_term_stats s set freelancers = greatest(0, s.freelancers - d.n)
    from (select o.term, count(*) as n from old_rows o group by o.term) d
    where s.term = d.term;
  end if;
  return null;
end
$$;
revoke execute on function public.freelancer_term_stats_count() from public, anon, authenticated,
  service_role;

drop trigger if exists freelancer_terms_count_insert on public.freelancer_terms;
create trigger freelancer_terms_count_insert
  after insert on public.freelancer_terms referencing new table as new_rows
  for each statement execute function public.freelancer_term_stats_count();
drop trigger if exists freelancer_terms_count_delete on public.freelancer_terms;
create trigger freelancer_terms_count_delete
  after delete on public.freelancer_terms referencing old table as old_rows
  for each statement execute function public.freelancer_term_stats_count();

insert into public.freelancer_term_stats (term, freelancers)
select t.term, count(*) from public.freelancer_terms t group by t.term
on conflict (term) do update set freelancers = excluded.freelancers;

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
  norm_skills text[];
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

  -- 1. Everyone who has any of the words, scored exactly from the postings alone
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

  -- 2. Those with none of the words, only where they could still place: in the
  --    category (score ≤ 0.22 + quality + 0.04), or with it as another of theirs
  --    (≤ 0.132 + …), read through the category indexes. θ is a lower bound of
  --    the k-th best score; without k word matches, the k best-rated of the
  --    category give one.
  if theta is null and p_category is not null then
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
  if p_category is not null then
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
  --    without the words scored from their row.
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
      array(select sk from unnest(f.skills) sk
            where position(public.normalize_arabic(sk) in $5) > 0
               or exists (select 1 from unnest($16::text[]) ps
                          where public.normalize_arabic(sk) like '%%' || ps || '%%')),
      %8$s
    from scored s join public.freelancers f on f.id = s.id
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
