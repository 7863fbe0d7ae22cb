-- =============================================================================
-- Part 5: what supautils enforces on Supabase, as far as an event trigger can.
-- `postgres` may create, alter and drop POLICIES on objects of the platform
-- schemas (supautils.policy_grants) and TRIGGERS on auth tables; anything else
-- it tries there (alter table, create table, drop, ...) fails with the error
-- Supabase gives: 42501 "must be owner of table messages" / "permission
-- denied for schema realtime". The platform's own roles are not restricted.
-- =============================================================================
create or replace function khadum_platform.guard_platform_ddl() returns event_trigger
language plpgsql set search_path = '' as $$
declare
  cmd record;
begin
  if session_user in ('supabase_admin', 'supabase_auth_admin', 'supabase_storage_admin',
                      'supabase_realtime_admin')
     or (select r.rolsuper from pg_catalog.pg_roles r where r.rolname = session_user) then
    return;
  end if;
  if tg_event = 'sql_drop' then
    for cmd in select * from pg_catalog.pg_event_trigger_dropped_objects() loop
      if cmd.schema_name in ('auth', 'realtime', 'storage')
         and cmd.object_type not in ('policy', 'trigger') then
        raise exception using errcode = '42501',
          message = pg_catalog.format('must be owner of %s %s', cmd.object_type, cmd.object_name);
      end if;
    end loop;
    return;
  end if;
  for cmd in select * from pg_catalog.pg_event_trigger_ddl_commands() loop
    continue when cmd.schema_name is null or cmd.schema_name not in ('auth', 'realtime', 'storage');
    continue when cmd.command_tag in ('CREATE POLICY', 'ALTER POLICY', 'COMMENT');
    continue when cmd.command_tag = 'CREATE TRIGGER' and cmd.schema_name = 'auth';
    if cmd.command_tag like 'CREATE %' and cmd.command_tag not in ('CREATE INDEX', 'CREATE TRIGGER') then
      raise exception using errcode = '42501',
        message = pg_catalog.format('permission denied for schema %s', cmd.schema_name);
    end if;
    raise exception using errcode = '42501',
      message = pg_catalog.format('must be owner of %s %s', cmd.object_type,
        pg_catalog.split_part(cmd.object_identity, '.', 2));
  end loop;
end;
$$;
comment on function khadum_platform.guard_platform_ddl() is
  'khadum local platform only: supautils-like limits on what postgres may do in auth, realtime, storage';

drop event trigger if exists khadum_guard_platform_ddl;
create event trigger khadum_guard_platform_ddl on ddl_command_end
  execute function khadum_platform.guard_platform_ddl();
drop event trigger if exists khadum_guard_platform_drop;
create event trigger khadum_guard_platform_drop on sql_drop
  execute function khadum_platform.guard_platform_ddl();
