-- =============================================================================
-- Matching: rank the whole freelancer table for a client's request.
-- One SQL function, so the bot, `khadum match` and any later caller share the
-- same ranking. Text relevance (Arabic + English full-text on normalised text,
-- trigram), category and skill fit, rating, availability, budget fit, and
-- embedding similarity where both sides have one.
--
-- It scales by ranking in two stages: bounded candidate pools read through
-- indexes (the category's best-rated, the best-rated full-text matches, the
-- nearest embeddings), then the full score on those few hundred rows only.
-- =============================================================================

-- Words that carry no meaning for matching (Gulf dialect, MSA, English).
create or replace function public.match_query_words(p_text text) returns text
language sql immutable parallel safe set search_path = '' as $$
  select coalesce(string_agg(w, ' '), '')
  from unnest(regexp_split_to_array(public.normalize_arabic(p_text), '[^[:alnum:]]+')) w
  where length(w) > 2 and w !~ '^[0-9]+$'
    and w <> all (array['ابي', 'ابغي', 'ابغا', 'ودي', 'نبي', 'نبغي', 'احتاج', 'محتاج', 'نحتاج',
                        'اريد', 'نريد', 'ارغب', 'الي', 'علي', 'على', 'عن', 'مع', 'لين', 'هذا',
                        'هذي', 'هذه', 'اللي', 'الذي', 'التي', 'عشان', 'حق', 'حقي', 'حقتي', 'شي',
                        'احد', 'واحد', 'سنه', 'سنوات', 'ريال', 'ميزانيه', 'ميزانيتي', 'بين',
                        'the', 'and', 'for', 'with', 'need', 'want', 'looking', 'our', 'your',
                        'someone', 'years', 'aged', 'budget', 'sar'])
$$;

do $$
begin
  if exists (select 1 from pg_attribute where attrelid = 'public.freelancers'::regclass
             and attname = 'embedding' and not attisdropped) then
    execute 'create index if not exists freelancers_embedding_idx on public.freelancers '
            'using hnsw (embedding extensions.vector_cosine_ops)';
  end if;
end
$$;


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
  words text := public.match_query_words(p_query);
  norm_skills text[];
  q_ar text;
  q_en text;
  q tsquery;
  pool integer := greatest(300, (greatest(p_offset, 0) + greatest(p_limit, 1)) * 10);
  has_embedding boolean;
  embedding_pool text := '';
  embedding_term text := '0::float8';
begin
  -- Any meaningful word may match (OR), the score sorts out the rest: clients
  -- write whole sentences, and an AND query would find nobody.
  q_ar := replace(plainto_tsquery('arabic', words)::text, ' & ', ' | ');
  q_en := replace(plainto_tsquery('english', words)::text, ' & ', ' | ');
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
    embedding_pool := format($p$
      union
      (select f.id from public.freelancers f where f.embedding is not null
       order by f.embedding operator(extensions.<=>) $8::extensions.vector limit %s)$p$, pool);
    embedding_term := 'coalesce(1 - (c.embedding operator(extensions.<=>) $8::extensions.vector), 0)';
  end if;

  return query execute format($q$
    with pool as (
      (select f.id from public.freelancers f
       where $2 is not null and f.categories @> array[$2]
       order by f.rating desc, f.rating_count desc limit %1$s)
      union
      (select f.id from public.freelancers f
       where $1 is not null and f.search_document @@ $1
       order by f.rating desc, f.rating_count desc limit %1$s)
      %2$s
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
        %3$s as emb
      from public.freelancers c
      where c.id in (select id from pool) and not (c.id = any ($5))
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
  $q$, pool, embedding_pool, embedding_term)
  using q, p_category, norm_skills, p_budget_max, coalesce(p_exclude, '{}'), p_limit, p_offset,
        p_embedding, nq;
end
$$;

comment on function public.match_freelancers(text, text, text[], integer, uuid[], integer, integer, text) is
  'Ranks freelancers for a request: full-text (Arabic + English), trigram, category and skill fit, '
  'rating, availability, budget fit, and embedding similarity when an embedding is given.';

-- Server-side functions: the service role (and the owner) only.
revoke execute on function
  public.match_query_words(text),
  public.match_freelancers(text, text, text[], integer, uuid[], integer, integer, text)
from public, anon, authenticated;
grant execute on function
  public.match_query_words(text),
  public.match_freelancers(text, text, text[], integer, uuid[], integer, integer, text)
to service_role;
