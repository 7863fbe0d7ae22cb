-- =============================================================================
-- Part 1: this database's schemas and default privileges.
-- Since 2026 Supabase no longer grants new public tables (nor sequences,
-- functions) to anon/authenticated/service_role by default: nothing here does.
-- =============================================================================
do $$
begin
  execute format('grant all on database %I to postgres', current_database());
  execute format('grant connect on database %I to anon, authenticated, service_role, authenticator,'
                 ' supabase_auth_admin, supabase_storage_admin, supabase_realtime_admin,'
                 ' dashboard_user, pgbouncer', current_database());
end
$$;

grant usage, create on schema public to postgres;
grant usage on schema public to anon, authenticated, service_role;

create schema if not exists extensions authorization supabase_admin;
grant usage on schema extensions to postgres, anon, authenticated, service_role;
grant all on schema extensions to postgres, dashboard_user;
-- Supabase preinstalls these in `extensions` (where the server has them).
do $$
declare
  wanted text;
begin
  foreach wanted in array array['uuid-ossp', 'pgcrypto'] loop
    if exists (select 1 from pg_available_extensions a where a.name = wanted) then
      execute format('create extension if not exists %I with schema extensions', wanted);
    end if;
  end loop;
end
$$;

-- Objects supabase_admin creates in public reach postgres (and only postgres).
alter default privileges for role supabase_admin in schema public
  grant all on tables to postgres;
alter default privileges for role supabase_admin in schema public
  grant all on sequences to postgres;
alter default privileges for role supabase_admin in schema public
  grant all on functions to postgres;

-- Supabase's realtime publication (empty by default).
do $$
begin
  if not exists (select 1 from pg_publication where pubname = 'supabase_realtime') then
    create publication supabase_realtime;
  end if;
end
$$;

-- The marker of a platform made by us (absent on a real Supabase project):
-- `khadum db migrate` reads it to tell our platform from Supabase's.
create schema if not exists khadum_platform authorization supabase_admin;
comment on schema khadum_platform is
  'khadum local platform: Supabase''s roles, auth, realtime and storage, reproduced for plain PostgreSQL';
create table if not exists khadum_platform.applied (
  name text primary key,
  checksum text not null,
  applied_at timestamptz not null default now()
);
grant usage on schema khadum_platform to postgres;
grant select on khadum_platform.applied to postgres;
