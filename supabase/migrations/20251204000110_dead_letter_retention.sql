-- =============================================================================
-- Retention of dead letters (issue 16, item 5). A WhatsApp message the bot failed
-- on retry_attempt_limit() times stays unprocessed for the operators' review
-- (staff_dead_letters, staff_retry_dead_letter), and so was never purged: its
-- sealed number, name and words were kept for ever. They now go after their own
-- configurable period, `dead_letters` (default 90 days, at least 7, like the others),
-- counted from their arrival. Messages still being retried stay whatever their age.
-- =============================================================================

alter table public.retention_periods drop constraint retention_periods_name_check;
alter table public.retention_periods add constraint retention_periods_name_check
  check (name in ('whatsapp_payloads', 'bot_conversations', 'activity_personal',
                  'dead_letters'));

insert into public.retention_periods (name, keep) values ('dead_letters', interval '90 days')
on conflict (name) do nothing;

-- (from 20251202000800_retention.sql; the dead letters added)
create or replace function public.purge_personal_data(p_now timestamptz default now())
returns jsonb
language plpgsql security definer set search_path = '' as $$
declare
  v_payloads timestamptz := p_now - public.retention_period('whatsapp_payloads');
  v_conversations timestamptz := p_now - public.retention_period('bot_conversations');
  v_activity timestamptz := p_now - public.retention_period('activity_personal');
  v_dead_letters timestamptz := p_now - public.retention_period('dead_letters');
  v_inbound integer;
  v_inbound_dead integer;
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

  -- Messages the bot gave up on (dead letters), once their review period is over.
  delete from public.whatsapp_inbound i
  where i.processed_at is null and i.attempts >= public.retry_attempt_limit()
    and i.received_at < v_dead_letters;
  get diagnostics v_inbound_dead = row_count;

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
                                 'inbound_dead_letters_deleted', v_inbound_dead,
                                 'status_payloads_cleared', v_status,
                                 'dead_letters_deleted', v_dead,
                                 'bot_conversations_deleted', v_bot,
                                 'activity_rows_anonymised', v_log);
  if v_inbound + v_inbound_dead + v_status + v_dead + v_bot + v_log > 0 then
    perform public.log_activity('system', null, 'retention.purged', null, null, v_report);
  end if;
  return v_report;
end
$$;
comment on function public.purge_personal_data(timestamptz) is
  'Removes or anonymises personal data older than its retention period (retention_periods).';
revoke execute on function public.purge_personal_data(timestamptz) from public, anon, authenticated;
grant execute on function public.purge_personal_data(timestamptz) to service_role;
