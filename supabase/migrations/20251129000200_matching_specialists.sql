-- =============================================================================
-- Matching, second version: the specialist whose own headline and skills cover
-- the request ranks above adjacent categories, and a strong text match is never
-- lost to a pool cut by rating.
--
-- Scoring adds `coverage`: the share of the request's meaningful words found in
-- the freelancer's headline and skills (weight A of the search document, Arabic
-- and English stems), and `skill_fit`: the analysis' skills the freelancer has,
-- specific skills («ترجمة قانونية») weighing more than generic ones («ترجمة»).
--
-- Candidates come from index-only pools: for each word of the request, the
-- best-rated freelancers whose headline or skills carry it (`freelancer_terms`,
-- one row per headline/skill lexeme, kept by a trigger, btree on term and
-- rating), counted per freelancer so those covering most words come first; plus
-- the request category's best-rated (btree on the primary category and rating).
-- `p_exhaustive` scores the whole table instead, to measure how often the fast
-- path agrees (bench.matching).
-- =============================================================================

create index if not exists freelancers_primary_category_rating_idx
  on public.freelancers ((categories[1]), rating desc, rating_count desc);

-- ---------------------------------------------------------------------------
-- freelancer_terms: the lexemes of each freelancer's headline and skills
-- ---------------------------------------------------------------------------
create table if not exists public.freelancer_terms (
  term text not null,
  freelancer_id uuid not null references public.freelancers (id) on delete cascade,
  rating numeric not null default 0,
  rating_count integer not null default 0,
  -- the part of the score that does not depend on the request (rating, availability)
  quality double precision not null default 0,
  primary key (term, freelancer_id)
);
create index if not exists freelancer_terms_best_idx
  on public.freelancer_terms (term, quality desc, rating_count desc, freelancer_id);
create index if not exists freelancer_terms_freelancer_idx
  on public.freelancer_terms (freelancer_id);

-- The request-independent part of the score, shared by the pools and the scoring.
create or replace function public.freelancer_quality(p_rating numeric, p_availability text)
returns double precision
language sql immutable parallel safe set search_path = '' as $$
  select (0.10 * (coalesce(p_rating, 0) / 5.0)
          + 0.05 * (case p_availability when 'available' then 1 when 'limited' then 0.6
                    else 0 end))::double precision
$$;

-- The same formula inline (an index expression runs as whoever writes the row, and
-- freelancers may edit their own profile: no function call to grant them).
create index if not exists freelancers_primary_category_quality_idx
  on public.freelancers ((categories[1]),
    ((0.10 * (coalesce(rating, 0) / 5.0) + 0.05 * (case availability when 'available' then 1
      when 'limited' then 0.6 else 0 end))::double precision) desc, rating_count desc);

-- Service-only: the matching function reads it; nobody else needs it.
alter table public.freelancer_terms enable row level security;
revoke all on public.freelancer_terms from anon, authenticated, service_role;
grant select, insert, update, delete on public.freelancer_terms to service_role;

create or replace function public.freelancers_sync_terms() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  delete from public.freelancer_terms t where t.freelancer_id = new.id;
  insert into public.freelancer_terms (term, freelancer_id, rating, rating_count, quality)
  select distinct l.lexeme, new.id, coalesce(new.rating, 0), coalesce(new.rating_count, 0),
         public.freelancer_quality(new.rating, new.availability::text)
  from unnest(new.search_document) l
  where 'A' = any (l.weights);
  return new;
end
$$;

drop trigger if exists freelancers_sync_terms_insert on public.freelancers;
create trigger freelancers_sync_terms_insert
  after insert on public.freelancers
  for each row execute function public.freelancers_sync_terms();
-- search_document is set by a BEFORE trigger, so `update of` cannot see it: compare.
drop trigger if exists freelancers_sync_terms_update on public.freelancers;
create trigger freelancers_sync_terms_update
  after update on public.freelancers
  for each row
  when (old.search_document is distinct from new.search_document
        or old.rating is distinct from new.rating
        or old.rating_count is distinct from new.rating_count
        or old.availability is distinct from new.availability)
  execute function public.freelancers_sync_terms();

insert into public.freelancer_terms (term, freelancer_id, rating, rating_count, quality)
select distinct l.lexeme, f.id, coalesce(f.rating, 0), coalesce(f.rating_count, 0),
       public.freelancer_quality(f.rating, f.availability::text)
from public.freelancers f cross join lateral unnest(f.search_document) l
where 'A' = any (l.weights)
on conflict do nothing;

drop function if exists public.match_freelancers(
  text, text, text[], integer, uuid[], integer, integer, text);

-- One tsquery per meaningful word of the request, Arabic and English stems,
-- restricted to weight A (headline and skills).
create or replace function public.match_word_queries(p_text text) returns tsquery[]
language sql immutable parallel safe set search_path = '' as $$
  select coalesce(array_agg(q), '{}')
  from (
    select distinct regexp_replace(forms::text, '(''[^'']+'')', '\1:A', 'g')::tsquery as q
    from unnest(string_to_array(public.match_query_words(p_text), ' ')) w
    -- «لعقد» is also «عقد»: a leading preposition the Arabic stemmer keeps is tried off too.
    cross join lateral (
      select case when w ~ '^[لبوفك][^ ]{3,}$'
                  then plainto_tsquery('arabic', w) || plainto_tsquery('english', w)
                       || plainto_tsquery('arabic', substr(w, 2))
                  else plainto_tsquery('arabic', w) || plainto_tsquery('english', w) end as forms
    ) f
    where w <> '' and numnode(forms) > 0
  ) words
$$;

-- The lexemes of each meaningful word (its ordinal, its Arabic and English stems),
-- as `freelancer_terms` stores them.
create or replace function public.match_word_terms(p_text text)
returns table (word integer, term text)
language sql immutable parallel safe set search_path = '' as $$
  select distinct w.ord::integer, l
  from unnest(string_to_array(public.match_query_words(p_text), ' ')) with ordinality w(w, ord)
  cross join lateral unnest(
    tsvector_to_array(to_tsvector('arabic', w.w)) || tsvector_to_array(to_tsvector('english', w.w))
    || case when w.w ~ '^[لبوفك][^ ]{3,}$'
            then tsvector_to_array(to_tsvector('arabic', substr(w.w, 2))) else '{}'::text[] end
  ) l
  where w.w <> ''
$$;

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
  words text := public.match_query_words(p_query);
  wq tsquery[] := public.match_word_queries(p_query);
  n_words integer;
  wt_words integer[];
  wt_terms text[];
  norm_skills text[];
  skill_weights float8;
  q_ar text;
  q_en text;
  q tsquery;
  want integer := greatest(p_offset, 0) + greatest(p_limit, 1);
  text_pool integer := greatest(150, want * 10);
  category_pool integer := greatest(80, want * 5);
  term_pool integer := greatest(400, want * 20);
  has_embedding boolean;
  embedding_pool text := '';
  embedding_term text := '0::float8';
begin
  select coalesce(array_agg(t.word order by t.word), '{}'), coalesce(array_agg(t.term order by t.word), '{}'),
         greatest(count(distinct t.word), 1)
    into wt_words, wt_terms, n_words
  from public.match_word_terms(p_query) t;
  q_ar := replace(plainto_tsquery('arabic', words)::text, ' & ', ' | ');
  q_en := replace(plainto_tsquery('english', words)::text, ' & ', ' | ');
  q := case
    when q_ar <> '' and q_en <> '' then q_ar::tsquery || q_en::tsquery
    when q_ar <> '' then q_ar::tsquery
    when q_en <> '' then q_en::tsquery
  end;
  select coalesce(array_agg(distinct public.normalize_arabic(btrim(s))), '{}') into norm_skills
  from unnest(coalesce(p_skills, '{}')) s where btrim(s) <> '';
  -- A skill of several words says more than a generic one: weight = its word count.
  select coalesce(sum(cardinality(string_to_array(s, ' '))), 0) into skill_weights
  from unnest(norm_skills) s;

  select exists (select 1 from pg_attribute
                 where attrelid = 'public.freelancers'::regclass and attname = 'embedding'
                   and not attisdropped) into has_embedding;
  if p_embedding is not null and has_embedding then
    embedding_pool := format($p$
      union
      (select f.id from public.freelancers f where f.embedding is not null
       order by f.embedding operator(extensions.<=>) $8::extensions.vector limit %s)$p$,
      text_pool);
    embedding_term := 'coalesce(1 - (c.embedding operator(extensions.<=>) $8::extensions.vector), 0)';
  end if;

  return query execute format($q$
    with hits as (
      select h.freelancer_id as id, count(distinct wt.word) as n,
             max(h.quality) as quality, max(h.rating_count) as rating_count
      from unnest($14::integer[], $15::text[]) wt(word, term)
      cross join lateral (
        select t.freelancer_id, t.quality, t.rating_count from public.freelancer_terms t
        where t.term = wt.term
        order by t.quality desc, t.rating_count desc limit %5$s) h
      where not $11
      group by h.freelancer_id
    ), pool as (
      select f.id from public.freelancers f where $11
      union
      (select h.id from hits h
       order by h.n desc, h.quality desc, h.rating_count desc limit %1$s)
      union
      (select f.id from public.freelancers f
       where $2 is not null and f.categories[1] = $2
       order by f.categories[1],
         ((0.10 * (coalesce(f.rating, 0) / 5.0) + 0.05 * (case f.availability when 'available'
           then 1 when 'limited' then 0.6 else 0 end))::double precision) desc,
         f.rating_count desc limit %4$s)
      %2$s
    ), cheap as (
      -- First the terms that need no text processing, on the whole pool …
      select c.id,
        -- index-only probes of (term, freelancer): no tsvector is read
        ((select count(distinct wt.word) from unnest($14::integer[], $15::text[]) wt(word, term)
          where exists (select 1 from public.freelancer_terms t
                        where t.term = wt.term and t.freelancer_id = c.id))::float8
          / $12)::float8 as cover,
        (case when $2 is null then 0
              when c.categories[1] = $2 then 1
              when $2 = any (c.categories) then 0.6 else 0 end)::float8 as c_fit,
        (select coalesce(sum(cardinality(string_to_array(ps, ' '))), 0) from unnest($3) ps
         where position(ps in c.search_text) > 0)::float8 as s_weight,
        (case when $4 is null then 0.5
              when c.min_budget_sar <= $4 then 1
              else greatest(0, 1 - (c.min_budget_sar - $4)::float8 / greatest($4, 1)) end
        )::float8 as b_fit,
        (case c.availability when 'available' then 1 when 'limited' then 0.6 else 0 end)::float8
          as avail,
        %3$s as emb
      from public.freelancers c
      where c.id in (select id from pool) and not (c.id = any ($5))
    ), short as (
      select k.*, (0.32 * k.cover + 0.22 * k.c_fit
                   + 0.22 * least(1, k.s_weight / greatest(least($13, 4), 1))
                   + public.freelancer_quality(f.rating, f.availability::text) + 0.04 * k.b_fit
                   + 0.25 * k.emb)::float8 as base
      from cheap k join public.freelancers f on f.id = k.id
      order by base desc, f.rating desc, f.id
      limit greatest(40, (greatest($7, 0) + greatest($6, 1)) * 4)
    ), ranked as (
      -- … then trigram similarity on the best few, and the page.
      select c.id, c.display_name, c.display_name_en, c.headline, c.headline_en, c.rating,
        c.rating_count, c.categories, c.skills, c.availability, c.min_budget_sar, k.cover,
        k.c_fit, k.b_fit,
        (k.base + 0.03 * extensions.similarity(c.search_text, $9))::float8 as score
      from short k join public.freelancers c on c.id = k.id
      order by score desc, c.rating desc, c.rating_count desc, c.id
      limit greatest(1, least($6, 50)) offset greatest(0, $7)
    )
    -- The matched skills (for the explanation) only for the rows returned.
    select s.id, s.display_name::text, s.display_name_en::text, s.headline::text,
      s.headline_en::text, s.rating, s.rating_count, s.categories, s.skills,
      s.availability::text, s.min_budget_sar, s.score, s.cover, s.c_fit,
      array(select sk from unnest(s.skills) sk
            where position(public.normalize_arabic(sk) in $9) > 0
               or exists (select 1 from unnest($3) ps
                          where public.normalize_arabic(sk) like '%%' || ps || '%%')),
      s.b_fit
    from ranked s
    order by s.score desc, s.rating desc, s.rating_count desc, s.id
  $q$, text_pool, embedding_pool, embedding_term, category_pool, term_pool)
  using q, p_category, norm_skills, p_budget_max, coalesce(p_exclude, '{}'), p_limit, p_offset,
        p_embedding, nq, wq, coalesce(p_exhaustive, false), n_words::float8, skill_weights,
        wt_words, wt_terms;
end
$$;

comment on function public.match_freelancers(text, text, text[], integer, uuid[], integer, integer, text, boolean) is
  'Ranks freelancers for a request: coverage of the request''s words by their headline and '
  'skills, category and skill fit, full-text and trigram relevance, rating, availability, '
  'budget fit, embedding similarity when given. p_exhaustive scores every freelancer.';

revoke execute on function public.match_word_queries(text) from public, anon, authenticated;
revoke execute on function public.match_word_terms(text) from public, anon, authenticated;
revoke execute on function public.freelancers_sync_terms() from public, anon, authenticated;
revoke execute on function public.freelancer_quality(numeric, text) from public, anon, authenticated;
grant execute on function public.freelancer_quality(numeric, text) to service_role;
grant execute on function public.match_word_terms(text) to service_role;
revoke execute on function public.match_freelancers(
  text, text, text[], integer, uuid[], integer, integer, text, boolean)
from public, anon, authenticated;
grant execute on function public.match_word_queries(text) to service_role;
grant execute on function public.match_freelancers(
  text, text, text[], integer, uuid[], integer, integer, text, boolean)
to service_role;
