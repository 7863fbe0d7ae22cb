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
-- Candidates come from two index-driven pools: every freelancer whose headline
-- or skills match a request word (GIN on weight-A lexemes, counted per row, so
-- the best text matches are taken whatever their rating), and the request
-- category's best-rated (btree on the primary category and rating). `p_exhaustive`
-- scores the whole table instead, to measure how often the fast path agrees.
-- =============================================================================

create index if not exists freelancers_primary_category_rating_idx
  on public.freelancers ((categories[1]), rating desc, rating_count desc);

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
  norm_skills text[];
  skill_weights float8;
  q_ar text;
  q_en text;
  q tsquery;
  want integer := greatest(p_offset, 0) + greatest(p_limit, 1);
  text_pool integer := greatest(400, want * 10);
  category_pool integer := greatest(150, want * 5);
  has_embedding boolean;
  embedding_pool text := '';
  embedding_term text := '0::float8';
begin
  n_words := greatest(cardinality(wq), 1);
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
      select h.id, count(*) as n
      from unnest($10::tsquery[]) w
      cross join lateral (select f.id from public.freelancers f where f.search_document @@ w) h
      group by h.id
    ), pool as (
      select f.id from public.freelancers f where $11
      union
      (select h.id from hits h join public.freelancers f on f.id = h.id
       order by h.n desc, f.rating desc, f.rating_count desc limit %1$s)
      union
      (select f.id from public.freelancers f
       where $2 is not null and f.categories[1] = $2
       order by f.categories[1], f.rating desc, f.rating_count desc limit %4$s)
      %2$s
    ), scored as (
      select c.*,
        coalesce(ts_rank(c.search_document, $1, 32), 0)::float8 as t_score,
        ((select count(*) from unnest($10::tsquery[]) w where c.search_document @@ w)::float8
          / $12)::float8 as cover,
        extensions.similarity(c.search_text, $9)::float8 as trgm,
        (case when $2 is null then 0
              when c.categories[1] = $2 then 1
              when $2 = any (c.categories) then 0.6 else 0 end)::float8 as c_fit,
        array(select s from unnest(c.skills) s
              where position(public.normalize_arabic(s) in $9) > 0
                 or public.normalize_arabic(s) = any ($3)
                 or exists (select 1 from unnest($3) ps
                            where public.normalize_arabic(s) like '%%' || ps || '%%')) as m_skills,
        (select coalesce(sum(cardinality(string_to_array(ps, ' '))), 0) from unnest($3) ps
         where exists (select 1 from unnest(c.skills) s
                       where public.normalize_arabic(s) like '%%' || ps || '%%')
            or position(ps in public.normalize_arabic(coalesce(c.headline, '') || ' '
                                                      || coalesce(c.headline_en, ''))) > 0
        )::float8 as s_weight,
        (case when $4 is null then 0.5
              when c.min_budget_sar <= $4 then 1
              else greatest(0, 1 - (c.min_budget_sar - $4)::float8 / greatest($4, 1)) end
        )::float8 as b_fit,
        (case c.availability when 'available' then 1 when 'limited' then 0.6 else 0 end)::float8
          as avail,
        %3$s as emb
      from public.freelancers c
      where c.id in (select id from pool) and not (c.id = any ($5))
    )
    select s.id, s.display_name::text, s.display_name_en::text, s.headline::text,
      s.headline_en::text, s.rating, s.rating_count, s.categories, s.skills,
      s.availability::text, s.min_budget_sar,
      (0.25 * s.cover + 0.10 * s.t_score + 0.22 * s.c_fit
       + 0.22 * least(1, s.s_weight / greatest(least($13, 4), 1))
       + 0.03 * s.trgm + 0.10 * (s.rating / 5.0) + 0.05 * s.avail + 0.04 * s.b_fit
       + 0.25 * s.emb)::float8 as score,
      s.t_score, s.c_fit, s.m_skills, s.b_fit
    from scored s
    order by score desc, s.rating desc, s.rating_count desc, s.id
    limit greatest(1, least($6, 50)) offset greatest(0, $7)
  $q$, text_pool, embedding_pool, embedding_term, category_pool)
  using q, p_category, norm_skills, p_budget_max, coalesce(p_exclude, '{}'), p_limit, p_offset,
        p_embedding, nq, wq, coalesce(p_exhaustive, false), n_words::float8, skill_weights;
end
$$;

comment on function public.match_freelancers(text, text, text[], integer, uuid[], integer, integer, text, boolean) is
  'Ranks freelancers for a request: coverage of the request''s words by their headline and '
  'skills, category and skill fit, full-text and trigram relevance, rating, availability, '
  'budget fit, embedding similarity when given. p_exhaustive scores every freelancer.';

revoke execute on function public.match_word_queries(text) from public, anon, authenticated;
revoke execute on function public.match_freelancers(
  text, text, text[], integer, uuid[], integer, integer, text, boolean)
from public, anon, authenticated;
grant execute on function public.match_word_queries(text) to service_role;
grant execute on function public.match_freelancers(
  text, text, text[], integer, uuid[], integer, integer, text, boolean)
to service_role;
