-- =============================================================================
-- Expiry: pending requests expire 24 hours after creation. One SQL function
-- does it (and queues the notices to both sides); pg_cron runs it every
-- minute where the extension exists, `khadum dev` runs it where it does not.
-- =============================================================================

create or replace function public.expire_requests(p_now timestamptz default now())
returns integer
language plpgsql security definer set search_path = '' as $$
declare
  expired_count integer;
begin
  -- skip locked: a request being answered right now (row locked by the
  -- respond function) is left to that transaction, which re-checks expiry.
  with overdue as (
    select r.id
    from public.client_requests r
    where r.status = 'pending' and r.expires_at <= p_now
    order by r.expires_at
    for update skip locked
  ), expired as (
    update public.client_requests r
       set status = 'expired'
      from overdue o
     where r.id = o.id and r.status = 'pending'
    returning r.*
  ), events as (
    insert into public.request_events (request_id, event_type, actor, message)
    select e.id, 'expired', 'system', null from expired e
  ), freelancer_notices as (
    insert into public.notifications (freelancer_id, request_id, title, message, type)
    select e.freelancer_id, e.id, m.title, m.body, 'request_expired'
    from expired e
    cross join lateral public.render_message('notification.request_expired', 'ar',
      jsonb_build_object('client_name', coalesce(e.client_name, e.client_whatsapp_phone))) m
    where e.freelancer_id is not null
  ), client_notices as (
    insert into public.whatsapp_outbox (to_phone, message_key, params, locale, request_id)
    select e.client_whatsapp_phone, 'request_expired',
           jsonb_build_object('request_id', e.id, 'freelancer_id', e.freelancer_id,
                              'client_name', e.client_name),
           e.client_language, e.id
    from expired e
  ), logged as (
    insert into public.activity_log (actor_type, actor_id, action, subject_type, subject_id, details)
    select 'system', null, 'request.expired', 'client_request', e.id::text,
           jsonb_build_object('freelancer_id', e.freelancer_id, 'expires_at', e.expires_at)
    from expired e
  )
  select count(*) into expired_count from expired;
  return expired_count;
end
$$;

revoke execute on function public.expire_requests(timestamptz) from public, anon, authenticated;
grant execute on function public.expire_requests(timestamptz) to service_role;

-- ---------------------------------------------------------------------------
-- Schedule: pg_cron, installed as Supabase installs it (`with schema
-- pg_catalog`), only where it can work: available, and preloaded with this
-- database as its home (cron.database_name). Elsewhere a notice says so and
-- `khadum dev` (or `khadum expire` on a schedule) runs the job instead.
-- A migrator that may not read those settings (not a superuser) just tries:
-- pg_cron itself refuses where it cannot run, and the refusal becomes the notice.
-- cron.schedule() with a job name replaces a job of that name: idempotent.
-- ---------------------------------------------------------------------------
do $$
declare
  preloaded boolean;
  home text;
begin
  if not exists (select 1 from pg_extension where extname = 'pg_cron') then
    if not exists (select 1 from pg_available_extensions where name = 'pg_cron') then
      raise notice 'pg_cron is not available on this server: request expiry and chat '
        'housekeeping are not scheduled; run `khadum dev` or `khadum expire` on a schedule';
      return;
    end if;
    begin
      home := coalesce(current_setting('cron.database_name', true), 'postgres');
      preloaded := current_setting('shared_preload_libraries') ~ '(^|[\s,])"?pg_cron"?($|[\s,])';
    exception when insufficient_privilege then
      home := null;        -- unknown: let CREATE EXTENSION decide
      preloaded := null;
    end;
    if preloaded is false or home <> current_database() then
      raise notice 'pg_cron is installed but not preloaded for database % '
        '(shared_preload_libraries, cron.database_name = %): request expiry and chat '
        'housekeeping are not scheduled; run `khadum dev` or `khadum expire` on a schedule',
        current_database(), home;
      return;
    end if;
    begin
      create extension if not exists pg_cron with schema pg_catalog;
    exception when insufficient_privilege or feature_not_supported or raise_exception
                   or object_not_in_prerequisite_state or undefined_object then
      raise notice 'pg_cron could not be installed (%): request expiry and chat housekeeping '
        'are not scheduled; run `khadum dev` or `khadum expire` on a schedule', sqlerrm;
      return;
    end;
  end if;
  perform cron.schedule('khadum-expire-requests', '* * * * *', 'select public.expire_requests()');
end
$$;
