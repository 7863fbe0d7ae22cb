-- =============================================================================
-- Retention (issue 16, item 5): personal data the platform no longer needs is
-- purged or anonymised after a configurable period (default 90 days):
--   whatsapp_payloads  processed raw WhatsApp messages (whatsapp_inbound rows),
--                      raw status-callback payloads, webhook dead letters;
--   bot_conversations  a client's bot state, once idle that long (requests
--                      expire within 24 hours, so an idle conversation's
--                      requests are all finished: hence the 7-day floor);
--   activity_personal  the activity log's personal fields: a client's phone as
--                      actor, and personal keys in details.
-- One SQL function does it (`purge_personal_data()`), run daily by pg_cron where
-- pg_cron can run, else hourly by `khadum worker`, or by hand with `khadum purge`.
-- =============================================================================

create table public.retention_periods (
  name text primary key check (name in ('whatsapp_payloads', 'bot_conversations',
                                        'activity_personal')),
  keep interval not null check (keep >= interval '7 days')
);
comment on table public.retention_periods is
  'How long personal data is kept before purge_personal_data() removes or anonymises it.';
alter table public.retention_periods enable row level security;
revoke all on public.retention_periods from anon, authenticated, service_role;
grant select, insert, update, delete on public.retention_periods to service_role;
-- No policy: only the server (the table's owner) and the service key read it.

insert into public.retention_periods (name, keep) values
  ('whatsapp_payloads', interval '90 days'),
  ('bot_conversations', interval '90 days'),
  ('activity_personal', interval '90 days')
on conflict (name) do nothing;

create or replace function public.retention_period(p_name text) returns interval
language sql stable security definer set search_path = '' as $$
  select coalesce((select p.keep from public.retention_periods p where p.name = p_name),
                  interval '90 days')
$$;
revoke execute on function public.retention_period(text) from public, anon, authenticated;
grant execute on function public.retention_period(text) to service_role;

-- Keys of activity_log.details that hold personal data (removed after the period).
create or replace function public.personal_detail_keys() returns text[]
language sql immutable set search_path = '' as $$
  select array['phone', 'client_phone', 'client_whatsapp_phone', 'email', 'client_email',
               'client_name', 'name', 'text', 'body', 'file_name', 'to', 'recipient']
$$;
revoke execute on function public.personal_detail_keys() from public, anon, authenticated;
grant execute on function public.personal_detail_keys() to service_role;

create index if not exists whatsapp_inbound_processed_received_idx
  on public.whatsapp_inbound (received_at) where processed_at is not null;
create index if not exists whatsapp_status_events_received_idx
  on public.whatsapp_status_events (received_at);
create index if not exists bot_conversations_updated_idx
  on public.bot_conversations (updated_at);

create or replace function public.purge_personal_data(p_now timestamptz default now())
returns jsonb
language plpgsql security definer set search_path = '' as $$
declare
  v_payloads timestamptz := p_now - public.retention_period('whatsapp_payloads');
  v_conversations timestamptz := p_now - public.retention_period('bot_conversations');
  v_activity timestamptz := p_now - public.retention_period('activity_personal');
  v_inbound integer;
  v_status integer;
  v_dead integer;
  v_bot integer;
  v_log integer;
  v_report jsonb;
begin
  -- Raw messages the bot has finished with (unprocessed ones stay until processed).
  delete from public.whatsapp_inbound i
  where i.processed_at is not null and i.received_at < v_payloads;
  get diagnostics v_inbound = row_count;

  -- Status rows stay for delivery figures; their raw payload (the client's phone,
  -- Meta's conversation data) goes.
  update public.whatsapp_status_events s set payload = '{}'::jsonb
  where s.received_at < v_payloads and s.payload <> '{}'::jsonb;
  get diagnostics v_status = row_count;

  delete from public.webhook_dead_letters d where d.received_at < v_payloads;
  get diagnostics v_dead = row_count;

  delete from public.bot_conversations c
  where greatest(c.updated_at, coalesce(c.last_inbound_at, c.updated_at)) < v_conversations;
  get diagnostics v_bot = row_count;

  update public.activity_log a
  set actor_id = case when a.actor_type = 'client' then null else a.actor_id end,
      details = a.details - public.personal_detail_keys()
  where a.created_at < v_activity
    and ((a.actor_type = 'client' and a.actor_id is not null)
         or a.details ?| public.personal_detail_keys());
  get diagnostics v_log = row_count;

  v_report := jsonb_build_object('whatsapp_inbound_deleted', v_inbound,
                                 'status_payloads_cleared', v_status,
                                 'dead_letters_deleted', v_dead,
                                 'bot_conversations_deleted', v_bot,
                                 'activity_rows_anonymised', v_log);
  if v_inbound + v_status + v_dead + v_bot + v_log > 0 then
    perform public.log_activity('system', null, 'retention.purged', null, null, v_report);
  end if;
  return v_report;
end
$$;
comment on function public.purge_personal_data(timestamptz) is
  'Removes or anonymises personal data older than its retention period (retention_periods).';
revoke execute on function public.purge_personal_data(timestamptz) from public, anon, authenticated;
grant execute on function public.purge_personal_data(timestamptz) to service_role;

-- ---------------------------------------------------------------------------
-- Daily in pg_cron where pg_cron is installed (the earlier migrations install it
-- where it can run); elsewhere `khadum worker` runs the purge hourly.
-- ---------------------------------------------------------------------------
do $$
begin
  if exists (select 1 from pg_extension where extname = 'pg_cron') then
    perform cron.schedule('khadum-retention', '17 3 * * *',
                          'select public.purge_personal_data()');
  else
    raise notice 'pg_cron is not installed: personal-data retention is not scheduled in the '
      'database; `khadum worker` runs it (or run `khadum purge` daily)';
  end if;
end
$$;
