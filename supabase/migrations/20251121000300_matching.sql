-- =============================================================================
-- Matching: rank the whole freelancer table for a client's request.
-- One SQL function, so the bot, `khadum match` and any later caller share the
-- same ranking. Text relevance (Arabic + English full-text on normalised text,
-- trigram), category and skill fit, rating, availability, budget fit, and
-- embedding similarity where both sides have one.
-- =============================================================================

create or replace function public.match_freelancers(
  p_query text,
  p_category text default null,
  p_skills text[] default '{}',
  p_budget_max integer default null,
  p_exclude uuid[] default '{}',
  p_limit integer default 5,
  p_offset integer default 0,
  p_embedding text default null
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
  norm_skills text[];
  q_ar text;
  q_en text;
  q tsquery;
  has_embedding boolean;
  embedding_term text := '0::float8';
begin
  -- Any word may match (OR), ranking sorts out the rest: clients write whole
  -- sentences, and an AND query would find nobody.
  q_ar := replace(plainto_tsquery('arabic', nq)::text, ' & ', ' | ');
  q_en := replace(plainto_tsquery('english', nq)::text, ' & ', ' | ');
  q := case
    when q_ar <> '' and q_en <> '' then q_ar::tsquery || q_en::tsquery
    when q_ar <> '' then q_ar::tsquery
    when q_en <> '' then q_en::tsquery
  end;
  select coalesce(array_agg(public.normalize_arabic(s)), '{}') into norm_skills
  from unnest(coalesce(p_skills, '{}')) s where btrim(s) <> '';

  select exists (select 1 from pg_attribute
                 where attrelid = 'public.freelancers'::regclass and attname = 'embedding'
                   and not attisdropped) into has_embedding;
  if p_embedding is not null and has_embedding then
    embedding_term := 'coalesce(1 - (c.embedding operator(extensions.<=>) $8::extensions.vector), 0)';
  end if;

  return query execute format($q$
    with candidates as (
      select f.* from public.freelancers f
      where not (f.id = any ($5))
        and (($1 is not null and f.search_document @@ $1)
             or ($2 is not null and f.categories @> array[$2])
             or f.search_text operator(extensions.%%) $9)
    ), scored as (
      select c.*,
        coalesce(ts_rank(c.search_document, $1, 32), 0)::float8 as t_score,
        extensions.similarity(c.search_text, $9)::float8 as trgm,
        (case when $2 is null then 0
              when c.categories[1] = $2 then 1
              when $2 = any (c.categories) then 0.7 else 0 end)::float8 as c_fit,
        array(select s from unnest(c.skills) s
              where position(public.normalize_arabic(s) in $9) > 0
                 or exists (select 1 from unnest($3) ps
                            where public.normalize_arabic(s) like '%%' || ps || '%%'
                               or ps like '%%' || public.normalize_arabic(s) || '%%')) as m_skills,
        (case when $4 is null then 0.5
              when c.min_budget_sar <= $4 then 1
              else greatest(0, 1 - (c.min_budget_sar - $4)::float8 / greatest($4, 1)) end
        )::float8 as b_fit,
        (case c.availability when 'available' then 1 when 'limited' then 0.6 else 0 end)::float8
          as avail,
        %s as emb
      from candidates c
    )
    select s.id, s.display_name::text, s.display_name_en::text, s.headline::text,
      s.headline_en::text, s.rating, s.rating_count, s.categories, s.skills,
      s.availability::text, s.min_budget_sar,
      (0.30 * s.t_score + 0.25 * s.c_fit + 0.15 * least(1, cardinality(s.m_skills) / 2.0)
       + 0.05 * s.trgm + 0.12 * (s.rating / 5.0) + 0.08 * s.avail + 0.05 * s.b_fit
       + 0.25 * s.emb)::float8 as score,
      s.t_score, s.c_fit, s.m_skills, s.b_fit
    from scored s
    order by score desc, s.rating desc, s.rating_count desc, s.id
    limit greatest(1, least($6, 50)) offset greatest(0, $7)
  $q$, embedding_term)
  using q, p_category, norm_skills, p_budget_max, coalesce(p_exclude, '{}'), p_limit, p_offset,
        p_embedding, nq;
end
$$;

comment on function public.match_freelancers(text, text, text[], integer, uuid[], integer, integer, text) is
  'Ranks freelancers for a request: full-text (Arabic + English), trigram, category and skill fit, '
  'rating, availability, budget fit, and embedding similarity when an embedding is given.';
