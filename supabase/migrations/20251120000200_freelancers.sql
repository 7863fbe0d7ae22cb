-- =============================================================================
-- freelancers: the platform's existing table (created here for this project)
-- =============================================================================

create table public.freelancers (
  id uuid primary key default gen_random_uuid(),
  user_id uuid unique references auth.users (id) on delete set null,
  email varchar(255),
  display_name varchar(120) not null check (length(btrim(display_name)) > 0),
  display_name_en varchar(120),
  headline varchar(160) not null,
  headline_en varchar(160),
  bio text,
  bio_en text,
  categories text[] not null default '{}',
  skills text[] not null default '{}',
  languages text[] not null default '{ar}',
  city varchar(80),
  min_budget_sar integer not null default 0 check (min_budget_sar >= 0),
  rating numeric(2, 1) not null default 0 check (rating between 0 and 5),
  rating_count integer not null default 0 check (rating_count >= 0),
  completed_projects integer not null default 0 check (completed_projects >= 0),
  availability varchar(20) not null default 'available'
    check (availability in ('available', 'limited', 'unavailable')),
  search_document tsvector,
  search_text text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

comment on table public.freelancers is
  'Freelancer profiles. user_id links the Supabase Auth account the dashboard signs in with.';

do $$
begin
  if exists (select 1 from pg_extension where extname = 'vector') then
    execute 'alter table public.freelancers add column embedding extensions.vector(1536)';
  end if;
end
$$;

-- ---------------------------------------------------------------------------
-- Categories must be known slugs (arrays cannot carry a foreign key)
-- ---------------------------------------------------------------------------
create or replace function public.freelancers_check_categories() returns trigger
language plpgsql set search_path = '' as $$
declare
  unknown text;
begin
  select c into unknown
  from unnest(new.categories) as c
  where not exists (select 1 from public.service_categories s where s.slug = c)
  limit 1;
  if unknown is not null then
    raise exception 'unknown service category: %', unknown using errcode = '23503';
  end if;
  return new;
end
$$;

-- ---------------------------------------------------------------------------
-- Search document: Arabic stemming on normalised text, English, and names
-- ---------------------------------------------------------------------------
create or replace function public.freelancers_build_search() returns trigger
language plpgsql set search_path = '' as $$
declare
  category_names text;
begin
  select string_agg(s.name_ar || ' ' || s.name_en, ' ') into category_names
  from public.service_categories s where s.slug = any (new.categories);

  new.search_document :=
      setweight(to_tsvector('simple', public.normalize_arabic(
        coalesce(new.display_name, '') || ' ' || coalesce(new.display_name_en, ''))), 'A')
    || setweight(to_tsvector('arabic', public.normalize_arabic(
        coalesce(new.headline, '') || ' ' || array_to_string(new.skills, ' '))), 'A')
    || setweight(to_tsvector('english', public.normalize_arabic(
        coalesce(new.headline_en, '') || ' ' || array_to_string(new.skills, ' '))), 'A')
    || setweight(to_tsvector('arabic', public.normalize_arabic(coalesce(category_names, ''))), 'B')
    || setweight(to_tsvector('english', public.normalize_arabic(coalesce(category_names, ''))), 'B')
    || setweight(to_tsvector('arabic', public.normalize_arabic(coalesce(new.bio, ''))), 'C')
    || setweight(to_tsvector('english', public.normalize_arabic(coalesce(new.bio_en, ''))), 'C');
  new.search_text := public.normalize_arabic(concat_ws(' ',
    new.display_name, new.display_name_en, new.headline, new.headline_en,
    array_to_string(new.skills, ' '), category_names));
  new.updated_at := now();
  return new;
end
$$;

create trigger freelancers_check_categories
  before insert or update of categories on public.freelancers
  for each row execute function public.freelancers_check_categories();

create trigger freelancers_build_search
  before insert or update on public.freelancers
  for each row execute function public.freelancers_build_search();

create index freelancers_search_document_idx on public.freelancers using gin (search_document);
create index freelancers_search_text_trgm_idx
  on public.freelancers using gin (search_text extensions.gin_trgm_ops);
create index freelancers_categories_idx on public.freelancers using gin (categories);
create index freelancers_rating_idx on public.freelancers (rating desc, rating_count desc);

revoke execute on function
  public.freelancers_check_categories(),
  public.freelancers_build_search()
from public, anon, authenticated;

-- ---------------------------------------------------------------------------
-- The freelancer row of the signed-in user, or null. security definer so the
-- policies can look ownership up without recursing into RLS; it reads only
-- the caller's own JWT claims.
-- ---------------------------------------------------------------------------
create or replace function public.current_freelancer_id() returns uuid
language sql stable security definer set search_path = '' as $$
  select f.id from public.freelancers f where f.user_id = auth.uid()
$$;

revoke execute on function public.current_freelancer_id() from public, anon, authenticated;
grant execute on function public.current_freelancer_id() to authenticated, service_role;
comment on function public.current_freelancer_id() is
  'callable by authenticated: the RLS policies call it as the caller (it answers about the caller only)';

-- ---------------------------------------------------------------------------
-- Security: a freelancer reads and edits a few fields of their own profile.
-- Nobody else reads profiles directly (contact details stay on the platform);
-- the functions serve the public parts (name, headline, rating).
-- ---------------------------------------------------------------------------
alter table public.freelancers enable row level security;
revoke all on table public.freelancers from anon, authenticated, service_role;
grant select on table public.freelancers to authenticated;
grant update (display_name, display_name_en, headline, headline_en, bio, bio_en, availability)
  on table public.freelancers to authenticated;
grant select, insert, update, delete on table public.freelancers to service_role;

create policy "freelancers read their own profile" on public.freelancers
  for select to authenticated
  using (user_id = (select auth.uid()));

create policy "freelancers update their own profile" on public.freelancers
  for update to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));
