-- =============================================================================
-- Deny by default. Supabase no longer grants new public objects to the API
-- roles (since 2026-05-30 for new projects, 2026-10-30 for all); older projects
-- and older local stacks still do. Either way, from here on nothing the
-- migrator creates in `public` is granted to anon, authenticated or
-- service_role unless a migration grants it beside the object.
-- (PUBLIC's EXECUTE on new functions is a global default that a per-schema
-- rule cannot take away: every function below therefore revokes it itself.)
-- =============================================================================

alter default privileges in schema public
  revoke all on tables from anon, authenticated, service_role;
alter default privileges in schema public
  revoke all on sequences from anon, authenticated, service_role;
alter default privileges in schema public
  revoke all on functions from public, anon, authenticated, service_role;

-- =============================================================================
-- Extensions and the fixed list of service categories
-- =============================================================================

create schema if not exists extensions;
create extension if not exists pg_trgm with schema extensions;
create extension if not exists unaccent with schema extensions;

-- pgvector is optional: Supabase and the embedded PostgreSQL have it, a plain
-- Debian PostgreSQL may not. Embedding columns are added only where it exists.
do $$
begin
  if exists (select 1 from pg_available_extensions where name = 'vector') then
    create extension if not exists vector with schema extensions;
  end if;
end
$$;

-- ---------------------------------------------------------------------------
-- Service categories: fixed slugs with Arabic and English display names
-- ---------------------------------------------------------------------------
create table public.service_categories (
  slug text primary key check (slug ~ '^[a-z_]+$'),
  name_ar text not null,
  name_en text not null,
  sort_order smallint not null
);

insert into public.service_categories (slug, name_ar, name_en, sort_order) values
  ('marketing_ads',         'تسويق وإعلانات',          'Marketing & Ads',          1),
  ('social_media',          'إدارة وسائل التواصل',     'Social Media',             2),
  ('graphic_design',        'تصميم جرافيك',            'Graphic Design',           3),
  ('video_motion',          'فيديو وموشن جرافيك',      'Video & Motion',           4),
  ('photography',           'تصوير',                   'Photography',              5),
  ('writing_content',       'كتابة وصناعة محتوى',      'Writing & Content',        6),
  ('translation',           'ترجمة',                   'Translation',              7),
  ('web_development',       'تطوير مواقع',             'Web Development',          8),
  ('mobile_apps',           'تطبيقات جوال',            'Mobile Apps',              9),
  ('ui_ux',                 'تصميم واجهات وتجربة مستخدم', 'UI/UX Design',         10),
  ('voice_over',            'تعليق صوتي',              'Voice Over',              11),
  ('data_entry',            'إدخال بيانات',            'Data Entry',              12),
  ('business_consulting',   'استشارات أعمال',          'Business Consulting',     13),
  ('seo',                   'تحسين محركات البحث',      'SEO',                     14),
  ('ecommerce',             'متاجر إلكترونية',         'E-commerce',              15),
  ('interior_architecture', 'تصميم داخلي ومعماري',     'Interior & Architecture', 16);

-- Reference data every signed-in user may read; written by migrations only.
alter table public.service_categories enable row level security;
revoke all on table public.service_categories from anon, authenticated, service_role;
grant select on table public.service_categories to authenticated;
grant select, insert, update, delete on table public.service_categories to service_role;

create policy "signed-in users read categories" on public.service_categories
  for select to authenticated
  using (true);

-- ---------------------------------------------------------------------------
-- Arabic-aware normalisation used by the search document and by queries
-- ---------------------------------------------------------------------------
-- Folds the spelling variants people type interchangeably: alef forms, taa
-- marbuta, alef maqsura, hamza carriers, diacritics, tatweel, Arabic-Indic
-- digits; then lower-cases (for English) and squeezes spaces.
create or replace function public.normalize_arabic(input text) returns text
language sql immutable parallel safe set search_path = '' as $$
  select btrim(regexp_replace(lower(
    translate(
      regexp_replace(coalesce(input, ''), '[\u064B-\u0652\u0670\u0640]', '', 'g'),
      'أإآٱةىؤئ٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹',
      'ااااهيوي01234567890123456789'
    )), '\s+', ' ', 'g'))
$$;

revoke execute on function public.normalize_arabic(text) from public, anon, authenticated;
grant execute on function public.normalize_arabic(text) to authenticated, service_role;
comment on function public.normalize_arabic(text) is
  'callable by authenticated: pure text folding (security invoker), used by dashboard searches';
