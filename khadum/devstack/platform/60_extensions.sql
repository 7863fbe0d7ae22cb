-- =============================================================================
-- Part 6: pg_cron, where the server preloads it for this database. Supabase
-- lets `postgres` enable it (supautils.privileged_extensions run the CREATE
-- EXTENSION as the superuser, in pg_catalog); plain PostgreSQL cannot, so the
-- platform enables it ahead and a migration's `create extension if not exists
-- pg_cron with schema pg_catalog` finds it there. Access as Supabase's
-- grant_pg_cron_access event trigger gives it.
-- =============================================================================
do $$
begin
  if exists (select 1 from pg_available_extensions where name = 'pg_cron')
     and current_setting('shared_preload_libraries', true) like '%pg_cron%'
     and coalesce(current_setting('cron.database_name', true), 'postgres') = current_database() then
    create extension if not exists pg_cron with schema pg_catalog;
    grant usage on schema cron to postgres with grant option;
    grant all on all tables in schema cron to postgres with grant option;
    revoke insert, update, delete on cron.job from postgres;
    grant all on all sequences in schema cron to postgres with grant option;
    grant execute on all functions in schema cron to postgres with grant option;
  end if;
end
$$;

-- pgvector likewise: privileged on plain PostgreSQL, enabled by `postgres` on
-- Supabase through supautils. Enabled ahead where the server has it.
do $$
begin
  if exists (select 1 from pg_available_extensions where name = 'vector') then
    create extension if not exists vector with schema extensions;
  end if;
end
$$;
