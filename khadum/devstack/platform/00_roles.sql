-- =============================================================================
-- Khadum local platform, part 0: the cluster's roles, as supabase/postgres
-- creates them (migrations/db/init-scripts/00000000000000-initial-schema.sql,
-- 00000000000001-auth-schema.sql, 00000000000002-storage-schema.sql and the
-- migrations that followed: demote-postgres, alter_api_roles_for_inherit,
-- grant_auth_roles_to_postgres, revoke_admin, ...). Our own SQL, Supabase's
-- names and attributes. Applied by the superuser `supabase_admin`.
-- Roles are cluster-wide: every statement here is idempotent.
-- =============================================================================
do $$
begin
  if current_user = 'postgres' then
    raise exception using
      errcode = '42501',
      message = 'the platform must be applied by supabase_admin, not by postgres',
      hint = 'initialise the server with `initdb -U supabase_admin` as Supabase''s images are';
  end if;
  if not (select rolsuper from pg_roles where rolname = current_user) then
    raise exception using errcode = '42501',
      message = format('the platform must be applied by a superuser (connected as %s)', current_user);
  end if;
end
$$;

do $$
declare
  spec record;
begin
  for spec in select * from (values
      -- name, create attributes (only when missing)
      ('supabase_admin', 'login superuser createdb createrole replication bypassrls'),
      ('postgres', 'login'),
      ('anon', 'nologin noinherit'),
      ('authenticated', 'nologin noinherit'),
      ('service_role', 'nologin noinherit bypassrls'),
      ('authenticator', 'login noinherit'),
      ('supabase_auth_admin', 'login noinherit createrole noreplication'),
      ('supabase_storage_admin', 'login noinherit createrole noreplication'),
      ('supabase_realtime_admin', 'nologin noinherit noreplication'),
      ('supabase_replication_admin', 'login replication'),
      ('supabase_read_only_user', 'login bypassrls'),
      ('dashboard_user', 'nologin createdb createrole replication'),
      ('pgbouncer', 'login')
    ) as t(name, attributes) loop
    if not exists (select 1 from pg_roles where rolname = spec.name) then
      execute format('create role %I %s', spec.name, spec.attributes);
    end if;
  end loop;
end
$$;

-- demote-postgres: the project's role is not a superuser.
alter role postgres nosuperuser createdb createrole login replication bypassrls;
-- alter_api_roles_for_inherit (2023-05-29): the API roles inherit.
alter role anon inherit;
alter role authenticated inherit;
alter role service_role inherit bypassrls;
alter role authenticator noinherit login;

grant anon, authenticated, service_role to authenticator;
grant anon, authenticated, service_role to postgres;
grant authenticator to supabase_storage_admin;
grant pg_read_all_data to supabase_read_only_user;
do $$
begin
  -- revoke_admin (2022-11-03): authenticator is no longer a member of supabase_admin.
  if exists (select 1 from pg_auth_members m
             join pg_roles r on r.oid = m.roleid and r.rolname = 'supabase_admin'
             join pg_roles u on u.oid = m.member and u.rolname = 'authenticator') then
    revoke supabase_admin from authenticator;
  end if;
end
$$;

-- Approximation of supautils' `policy_grants` (see tests/db/test_platform.py):
-- Supabase lets `postgres` create policies on realtime.messages and
-- storage.objects through the supautils extension, which plain PostgreSQL does
-- not have. Here `postgres` is a member of the owning admin roles, and the
-- event trigger of 50_guard.sql refuses everything but policies (and auth
-- triggers) on their objects, with Supabase's error.
grant supabase_realtime_admin, supabase_storage_admin to postgres;

alter role anon set statement_timeout = '3s';
alter role authenticated set statement_timeout = '8s';
alter role authenticator set statement_timeout = '8s';
alter role authenticator set lock_timeout = '8s';
alter role supabase_admin set search_path = "$user", public, auth, extensions;
alter role postgres set search_path = "$user", public, extensions;
alter role supabase_auth_admin set search_path = auth;
alter role supabase_storage_admin set search_path = storage;
