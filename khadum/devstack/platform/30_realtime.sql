-- =============================================================================
-- Part 3: the `realtime` schema's broadcast side, as supabase/realtime's tenant
-- migrations leave it (lib/realtime/tenants/repo/migrations): realtime.messages
-- partitioned by day on inserted_at, owned by supabase_realtime_admin, RLS on,
-- SELECT/INSERT/UPDATE granted to postgres and the API roles (no DELETE);
-- realtime.topic(); realtime.send() running as its caller.
-- =============================================================================
create schema if not exists realtime authorization supabase_admin;
grant all on schema realtime to supabase_realtime_admin;
-- restrict_realtime_schema (2026-07-07): postgres may use, not create.
grant usage on schema realtime to postgres with grant option;
grant usage on schema realtime to anon, authenticated, service_role;
revoke create on schema realtime from postgres;

set local role supabase_realtime_admin;

create table if not exists realtime.messages (
  topic text not null,
  extension text not null,
  payload jsonb,
  event text,
  private boolean default false,
  updated_at timestamp without time zone not null default now(),
  inserted_at timestamp without time zone not null default now(),
  id uuid not null default gen_random_uuid(),
  binary_payload bytea,
  primary key (id, inserted_at)
) partition by range (inserted_at);
do $$
begin
  if not exists (select 1 from pg_constraint where conname = 'messages_payload_exclusive'
                 and conrelid = 'realtime.messages'::regclass) then
    alter table realtime.messages add constraint messages_payload_exclusive
      check (payload is null or binary_payload is null) not valid;
  end if;
end
$$;
create index if not exists messages_inserted_at_topic_index
  on realtime.messages (inserted_at desc, topic) where extension = 'broadcast' and private is true;
alter table realtime.messages enable row level security;

create or replace function realtime.topic() returns text
language sql stable as $$
  select nullif(current_setting('realtime.topic', true), '')::text;
$$;

-- As upstream (migration 20260605120000): SECURITY INVOKER, so the caller's
-- RLS INSERT policies decide; sets realtime.topic for them; adds an `id` to a
-- payload without one; never fails the caller's transaction, only warns
-- (a missing partition loses the broadcast with a warning, as upstream).
create or replace function realtime.send(
  payload jsonb, event text, topic text, private boolean default true
) returns void
language plpgsql as $$
declare
  generated_id uuid;
  final_payload jsonb;
begin
  begin
    generated_id := gen_random_uuid();
    if payload ? 'id' then
      final_payload := payload;
    else
      final_payload := jsonb_set(payload, '{id}', to_jsonb(generated_id));
    end if;
    execute format('SET LOCAL realtime.topic TO %L', topic);
    insert into realtime.messages (id, payload, event, topic, private, extension)
    values (generated_id, final_payload, event, topic, private, 'broadcast');
  exception
    when others then
      raise warning 'WarnSendingBroadcastMessage: %', sqlerrm;
  end;
end;
$$;

-- Local only: Supabase Realtime reads broadcasts from the table's WAL; the
-- local Realtime stand-in (khadum/devstack/realtime) LISTENs instead. The
-- payload is the row id (NOTIFY payloads stop at 8,000 bytes); nothing is
-- sent for a rolled-back insert (authorisation probes, failed transactions).
create or replace function realtime.khadum_notify_broadcast() returns trigger
language plpgsql as $$
begin
  perform pg_notify('khadum_realtime', new.id::text);
  return null;
end;
$$;
comment on function realtime.khadum_notify_broadcast() is
  'khadum local platform only: announces realtime.messages rows to the local Realtime stand-in';
drop trigger if exists khadum_notify_broadcast on realtime.messages;
create trigger khadum_notify_broadcast after insert on realtime.messages
  for each row when (new.extension = 'broadcast')
  execute function realtime.khadum_notify_broadcast();

-- Local only: Realtime refuses to delete rows through the API roles and
-- postgres (no DELETE granted upstream); postgres is a member of
-- supabase_realtime_admin here (see 00_roles.sql), so refuse it explicitly.
create or replace function realtime.khadum_refuse_delete() returns trigger
language plpgsql as $$
begin
  if session_user not in ('supabase_admin', 'supabase_realtime_admin')
     and not (select rolsuper from pg_catalog.pg_roles where rolname = session_user) then
    raise exception using errcode = '42501',
      message = format('permission denied for table %s', tg_table_name);
  end if;
  return null;
end;
$$;
drop trigger if exists khadum_refuse_delete on realtime.messages;
create trigger khadum_refuse_delete before delete on realtime.messages
  for each statement execute function realtime.khadum_refuse_delete();
drop trigger if exists khadum_refuse_truncate on realtime.messages;
create trigger khadum_refuse_truncate before truncate on realtime.messages
  for each statement execute function realtime.khadum_refuse_delete();

-- The daily partitions, as Realtime creates them (Realtime.Tenants
-- .create_messages_partitions: yesterday to three days ahead, UTC, owned by
-- supabase_realtime_admin). Called when the platform is applied and by the
-- local stack at start and every day; executable by postgres.
create or replace function realtime.khadum_create_messages_partitions() returns integer
language plpgsql security definer set search_path = '' as $$
declare
  today date := (pg_catalog.now() at time zone 'utc')::date;
  day date;
  made integer := 0;
  partition_name text;
begin
  for day in select d::date from pg_catalog.generate_series(today - 1, today + 3, interval '1 day') d loop
    partition_name := 'messages_' || pg_catalog.to_char(day, 'YYYY_MM_DD');
    if pg_catalog.to_regclass('realtime.' || partition_name) is null then
      execute pg_catalog.format(
        'create table realtime.%I partition of realtime.messages for values from (%L) to (%L)',
        partition_name, day::timestamp, (day + 1)::timestamp);
      -- Reached through realtime.messages (whose policies apply); no role is
      -- granted the partition itself. RLS on as well, so a direct read finds nothing.
      execute pg_catalog.format('alter table realtime.%I enable row level security', partition_name);
      made := made + 1;
    end if;
  end loop;
  return made;
end;
$$;
comment on function realtime.khadum_create_messages_partitions() is
  'khadum local platform only: what Supabase Realtime does for realtime.messages every day';
revoke execute on function realtime.khadum_create_messages_partitions() from public;
select realtime.khadum_create_messages_partitions();

reset role;

grant select, insert, update on realtime.messages to postgres, anon, authenticated, service_role;
grant execute on function realtime.topic(), realtime.send(jsonb, text, text, boolean)
  to postgres, anon, authenticated, service_role;
revoke execute on function realtime.khadum_create_messages_partitions() from anon, authenticated, service_role;
grant execute on function realtime.khadum_create_messages_partitions() to postgres;
