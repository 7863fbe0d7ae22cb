-- =============================================================================
-- Matching, sixth version: text groups. Freelancers whose headline and skills
-- give the same words (weight-A lexemes of their search document, their names'
-- apart) and who have the same categories share one "text group": the text part
-- of the score and the category fit are the group's, only the name's words,
-- quality and budget fit are the member's.
--
--   freelancer_text_groups   one row per (words, categories), by a hash key
--   freelancer_group_terms   the postings per group: (term, group)
--   freelancer_name_terms    the postings of the weight-A words of a freelancer's
--                            names that are not their group's: (term, freelancer,
--                            and what their score reads: group, quality, …);
--                            group words ∪ name words = the freelancer's
--                            freelancer_terms, always (only how well they group
--                            depends on which words are called names)
--   freelancer_group_members one row per freelancer: its group, quality, rating,
--                            number of ratings, minimum budget; read in quality
--                            order within a group
--
-- kept by triggers on freelancers (insert/update of what the score reads; a
-- deleted freelancer's row goes by cascade; a group without members is dropped).
--
-- The ranking (match_freelancers, without an embedding) reads the groups when the
-- request's terms have few group and name postings and the category few groups
-- (≤ 2,000 in all; many freelancers share boilerplate headlines, and 100,071
-- generated profiles make 133 groups):
-- 1. every group holding any of the request's words, with its bits, and every
--    group of the request's category (bits 0); g = text(bits) + 0.22·fit is exact
--    for its members without any of the words in their names, who score g +
--    quality + 0.04·budget fit ≤ g + quality + 0.04; those with (the name
--    postings, which carry the member's quality, rating and budget) are scored
--    exactly apart;
-- 2. θ, a lower bound of the k-th best score: the k-th best exact score of the
--    best members by quality of the 20 groups with the best g;
-- 3. in each group with g + 0.19 ≥ θ, its k first in the page's order among those
--    whose minimum fits the budget (all, without one): their budget fit is the
--    same, so the page's order within the group is the index's (quality, rating,
--    number of ratings, id) and k rows suffice; with a budget, those whose minimum
--    exceeds it are read as one quality range per group, down to what can still
--    reach the k-th best found so far; the k best in the page's order are kept;
-- 4. the category's freelancers without any of the words were in 1 (their groups):
--    the page follows, without reading the category indexes again.
-- Otherwise (many distinct headlines) 20251203000400's reads run unchanged.
-- khadum.matching_read ('groups', 'impact' or 'bands') forces one (tests check
-- all three); only the speed depends on it, never the result (p_exhaustive).
-- =============================================================================

create table if not exists public.freelancer_text_groups (
  id bigint generated always as identity primary key,
  -- md5 of (terms, categories): the array itself may be longer than a btree key
  key uuid not null unique,
  terms text[] not null,
  categories text[] not null
);
create table if not exists public.freelancer_group_terms (
  term text not null,
  group_id bigint not null references public.freelancer_text_groups (id) on delete cascade,
  primary key (term, group_id)
);
create table if not exists public.freelancer_name_terms (
  term text not null,
  freelancer_id uuid not null references public.freelancers (id) on delete cascade,
  -- what their score reads besides the words (as freelancer_group_members)
  group_id bigint not null,
  quality double precision not null,
  rating numeric not null,
  rating_count integer not null,
  min_budget_sar integer not null,
  primary key (term, freelancer_id)
);
create index if not exists freelancer_name_terms_by_freelancer_idx
  on public.freelancer_name_terms (freelancer_id);
create table if not exists public.freelancer_group_members (
  freelancer_id uuid primary key references public.freelancers (id) on delete cascade,
  group_id bigint not null references public.freelancer_text_groups (id),
  quality double precision not null,
  rating numeric not null,
  rating_count integer not null,
  min_budget_sar integer not null
);
-- the groups of a category (matches without any of the words)
create index if not exists freelancer_text_groups_categories_idx
  on public.freelancer_text_groups using gin (categories);
-- a group's members in the page's order (their text and category being the group's)
create index if not exists freelancer_group_members_quality_idx
  on public.freelancer_group_members
  (group_id, quality desc, rating desc, rating_count desc, freelancer_id)
  include (min_budget_sar);

-- Service-only, as freelancer_terms: the matching function reads them.
alter table public.freelancer_text_groups enable row level security;
alter table public.freelancer_group_terms enable row level security;
alter table public.freelancer_group_members enable row level security;
alter table public.freelancer_name_terms enable row level security;
revoke all on public.freelancer_text_groups, public.freelancer_group_terms,
  public.freelancer_group_members, public.freelancer_name_terms
  from anon, authenticated, service_role;
grant select on public.freelancer_text_groups, public.freelancer_group_terms,
  public.freelancer_group_members, public.freelancer_name_terms to service_role;

-- A freelancer's weight-A words, split: (their group's, their names' own). The
-- names' words are those of the names alone ('simple', as the search document
-- reads names); the rest is the group's. The two always make up every weight-A
-- lexeme (freelancer_terms).
create or replace function public.freelancer_text_split(
  p_document tsvector, p_display_name text, p_display_name_en text,
  out group_terms text[], out name_terms text[])
language sql stable parallel safe set search_path = '' as $$
  with a as (
    select distinct l.lexeme from unnest(p_document) l where 'A' = any (l.weights)
  ), n as (
    select l.lexeme from unnest(to_tsvector('simple', public.normalize_arabic(
      coalesce(p_display_name, '') || ' ' || coalesce(p_display_name_en, '')))) l
  )
  select coalesce(array_agg(a.lexeme order by a.lexeme) filter (where n.lexeme is null), '{}'),
         coalesce(array_agg(a.lexeme order by a.lexeme) filter (where n.lexeme is not null), '{}')
  from a left join (select distinct n.lexeme from n) n on n.lexeme = a.lexeme
$$;
revoke execute on function public.freelancer_text_split(tsvector, text, text)
from public, anon, authenticated, service_role;

-- A group's key: its words (sorted) and categories.
create or replace function public.freelancer_text_group_key(p_terms text[], p_categories text[])
returns uuid
language sql immutable parallel safe set search_path = '' as $$
  select md5(coalesce(p_terms, '{}')::text || '|' || coalesce(p_categories, '{}')::text)::uuid
$$;
revoke execute on function public.freelancer_text_group_key(text[], text[])
from public, anon, authenticated, service_role;

-- A group left without members goes (its row locked first: a member being added in
-- another transaction holds a key-share lock on it, and is then seen).
create or replace function public.freelancer_text_group_drop_empty(p_group bigint) returns void
language plpgsql security definer set search_path = '' as $$
begin
  perform 1 from public.freelancer_text_groups g where g.id = p_group for update;
  delete from public.freelancer_text_groups g
  where g.id = p_group
    and not exists (select 1 from public.freelancer_group_members m where m.group_id = p_group);
end
$$;
revoke execute on function public.freelancer_text_group_drop_empty(bigint)
from public, anon, authenticated, service_role;

create or replace function public.freelancers_sync_text_group() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  t text[];
  nt text[];
  k uuid;
  g bigint;
  old_g bigint;
begin
  select s.group_terms, s.name_terms into t, nt
  from public.freelancer_text_split(new.search_document, new.display_name, new.display_name_en) s;
  k := public.freelancer_text_group_key(t, coalesce(new.categories, '{}'));
  -- (locked: a group being dropped as empty by another transaction is waited for,
  -- then not found, and made again)
  select g0.id into g from public.freelancer_text_groups g0 where g0.key = k for key share;
  if g is null then
    insert into public.freelancer_text_groups (key, terms, categories)
    values (k, t, coalesce(new.categories, '{}'))
    on conflict (key) do nothing
    returning id into g;
    if g is null then  -- added meanwhile by another transaction
      select g0.id into g from public.freelancer_text_groups g0 where g0.key = k for key share;
    else
      insert into public.freelancer_group_terms (term, group_id)
      select x, g from unnest(t) x;
    end if;
  end if;
  select m.group_id into old_g from public.freelancer_group_members m
  where m.freelancer_id = new.id;
  insert into public.freelancer_group_members
    (freelancer_id, group_id, quality, rating, rating_count, min_budget_sar)
  values (new.id, g, public.freelancer_quality(new.rating, new.availability::text),
          coalesce(new.rating, 0), coalesce(new.rating_count, 0), coalesce(new.min_budget_sar, 0))
  on conflict (freelancer_id) do update
    set group_id = excluded.group_id, quality = excluded.quality, rating = excluded.rating,
        rating_count = excluded.rating_count, min_budget_sar = excluded.min_budget_sar;
  if tg_op = 'UPDATE' then
    delete from public.freelancer_name_terms n where n.freelancer_id = new.id;
  end if;
  insert into public.freelancer_name_terms
    (term, freelancer_id, group_id, quality, rating, rating_count, min_budget_sar)
  select x, new.id, g, public.freelancer_quality(new.rating, new.availability::text),
    coalesce(new.rating, 0), coalesce(new.rating_count, 0), coalesce(new.min_budget_sar, 0)
  from unnest(nt) x;
  if old_g is not null and old_g <> g then
    perform public.freelancer_text_group_drop_empty(old_g);
  end if;
  return null;
end
$$;
revoke execute on function public.freelancers_sync_text_group()
from public, anon, authenticated, service_role;

create or replace function public.freelancer_group_members_left() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  perform public.freelancer_text_group_drop_empty(old.group_id);
  return null;
end
$$;
revoke execute on function public.freelancer_group_members_left()
from public, anon, authenticated, service_role;

drop trigger if exists freelancers_sync_text_group_insert on public.freelancers;
create trigger freelancers_sync_text_group_insert
  after insert on public.freelancers
  for each row execute function public.freelancers_sync_text_group();
-- search_document is set by a BEFORE trigger, so `update of` cannot see it: compare
-- (the columns freelancers_sync_terms compares).
drop trigger if exists freelancers_sync_text_group_update on public.freelancers;
create trigger freelancers_sync_text_group_update
  after update on public.freelancers
  for each row
  when (old.search_document is distinct from new.search_document
        or old.rating is distinct from new.rating
        or old.rating_count is distinct from new.rating_count
        or old.availability is distinct from new.availability
        or old.min_budget_sar is distinct from new.min_budget_sar
        or old.categories is distinct from new.categories)
  execute function public.freelancers_sync_text_group();
-- a freelancer deleted (cascade): their group may be left empty
drop trigger if exists freelancer_group_members_left on public.freelancer_group_members;
create trigger freelancer_group_members_left
  after delete on public.freelancer_group_members
  for each row execute function public.freelancer_group_members_left();

-- The freelancers already there.
create temporary table freelancer_text_group_backfill as
select f.id, t.group_terms as terms, t.name_terms, coalesce(f.categories, '{}') as categories,
  public.freelancer_text_group_key(t.group_terms, coalesce(f.categories, '{}')) as key,
  public.freelancer_quality(f.rating, f.availability::text) as quality,
  coalesce(f.rating, 0) as rating, coalesce(f.rating_count, 0) as rating_count,
  coalesce(f.min_budget_sar, 0) as min_budget_sar
from public.freelancers f
cross join lateral public.freelancer_text_split(
  f.search_document, f.display_name, f.display_name_en) t
where not exists (select 1 from public.freelancer_group_members m where m.freelancer_id = f.id);
insert into public.freelancer_text_groups (key, terms, categories)
select distinct on (b.key) b.key, b.terms, b.categories from freelancer_text_group_backfill b
order by b.key
on conflict (key) do nothing;
insert into public.freelancer_group_terms (term, group_id)
select x, g.id from public.freelancer_text_groups g cross join lateral unnest(g.terms) x
on conflict do nothing;
insert into public.freelancer_name_terms
  (term, freelancer_id, group_id, quality, rating, rating_count, min_budget_sar)
select x, b.id, g.id, b.quality, b.rating, b.rating_count, b.min_budget_sar
from freelancer_text_group_backfill b join public.freelancer_text_groups g on g.key = b.key
cross join lateral unnest(b.name_terms) x
on conflict do nothing;
insert into public.freelancer_group_members
  (freelancer_id, group_id, quality, rating, rating_count, min_budget_sar)
select b.id, g.id, b.quality, b.rating, b.rating_count, b.min_budget_sar
from freelancer_text_group_backfill b join public.freelancer_text_groups g on g.key = b.key;
analyze public.freelancer_text_groups;
analyze public.freelancer_group_terms;
analyze public.freelancer_group_members;
analyze public.freelancer_name_terms;
drop table freelancer_text_group_backfill;

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
      sk_masks := sk_masks || s_mask;
      sk_weights := sk_weights || cardinality(string_to_array(s, ' '))::float8;
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
    else
      select count(*) into group_postings from (
        (select 1 from public.freelancer_group_terms gt where gt.term = any (a_terms) limit 2001)
        union all
        (select 1 from public.freelancer_name_terms nt where nt.term = any (a_terms) limit 2001)
        union all
        (select 1 from public.freelancer_text_groups g
         where g.categories @> array[p_category] limit 2001)
      ) x;
      use_groups := group_postings <= 2000;
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
  elsif p_category is not null and not use_embedding then
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
  if use_groups then
    null;  -- the groups were read above
  elsif p_category is not null and not use_embedding and not use_impact then
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
  if theta is null and p_category is not null and not use_groups then
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
  -- (the text groups' read scored the category's groups too)
  if p_category is not null and not use_groups then
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
      array(select z.sk from unnest(f.skills) with ordinality z(sk, o)
            cross join lateral (select public.normalize_arabic(z.sk) as n) ns
            where position(ns.n in $5) > 0
               or exists (select 1 from unnest($16::text[]) ps where ns.n like '%%' || ps || '%%')
            order by z.o),
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
  'skills, category and skill fit, rating, availability, budget fit, '
  'embedding similarity when given. Exact top k through the postings of freelancer_terms, '
  'read through text groups (freelancers sharing headline words and categories) when their postings are few, '
  'else in impact order (rarest terms first, each from the quality that can still place); p_exhaustive scores every '
  'freelancer with the same formula.';

revoke execute on function public.match_freelancers(
  text, text, text[], integer, uuid[], integer, integer, text, boolean)
from public, anon, authenticated;
grant execute on function public.match_freelancers(
  text, text, text[], integer, uuid[], integer, integer, text, boolean)
to service_role;
