-- =============================================================================
-- Inbound dead letters by the shared attempt limit (retry_attempt_limit(),
-- 20251201000100_notice_events.sql) rather than a literal 5; a staff retry
-- wakes the workers on their channel (`khadum_work`, payload `inbound`).
-- =============================================================================

create or replace function public.staff_dead_letters(p_limit integer default 50, p_offset integer default 0)
returns jsonb
language plpgsql stable security definer set search_path = '' as $$
declare
  result jsonb;
begin
  perform public.require_staff();
  perform public.staff_page_bounds(p_limit, p_offset);
  select jsonb_build_object(
    'total', (select count(*) from public.whatsapp_inbound i
               where i.processed_at is null and i.attempts >= public.retry_attempt_limit()),
    'items', coalesce((
      select jsonb_agg(jsonb_build_object(
               'id', d.id, 'wamid', d.wamid, 'client_phone', d.client_phone,
               'message_type', d.message_type, 'attempts', d.attempts,
               'last_error', d.last_error, 'received_at', d.received_at)
             order by d.received_at desc)
        from (select * from public.whatsapp_inbound i
               where i.processed_at is null and i.attempts >= public.retry_attempt_limit()
               order by i.received_at desc limit p_limit offset p_offset) d), '[]'::jsonb))
  into result;
  return result;
end
$$;
revoke execute on function public.staff_dead_letters(integer, integer) from public, anon, authenticated;
grant execute on function public.staff_dead_letters(integer, integer) to authenticated, service_role;
comment on function public.staff_dead_letters(integer, integer) is
  'callable by authenticated: staff only (require_staff first): WhatsApp dead letters';

-- A retry gives the message its attempts back; the worker (or sweeper) takes it.
create or replace function public.staff_retry_dead_letter(p_id uuid) returns jsonb
language plpgsql security definer set search_path = '' as $$
declare
  row_ public.whatsapp_inbound;
begin
  perform public.require_staff();
  select * into row_ from public.whatsapp_inbound where id = p_id for update;
  if not found then
    raise exception 'dead_letter_not_found' using errcode = 'KH404';
  end if;
  if row_.processed_at is not null or row_.attempts < public.retry_attempt_limit() then
    raise exception 'not_a_dead_letter' using errcode = 'KH409';
  end if;
  update public.whatsapp_inbound set attempts = 0, last_error = null where id = p_id;
  perform public.log_activity('operator', public.staff_actor_id(), 'staff.dead_letter_retried',
    'whatsapp_inbound', p_id::text,
    jsonb_build_object('previous_error', row_.last_error, 'attempts', row_.attempts));
  perform pg_notify('khadum_work', 'inbound');
  return jsonb_build_object('id', p_id, 'status', 'queued');
end
$$;
revoke execute on function public.staff_retry_dead_letter(uuid) from public, anon, authenticated;
grant execute on function public.staff_retry_dead_letter(uuid) to authenticated, service_role;
comment on function public.staff_retry_dead_letter(uuid) is
  'callable by authenticated: staff only (require_staff first): retry a dead letter, logged';
