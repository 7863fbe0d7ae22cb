-- =============================================================================
-- The email outbox retries by the shared rule (retry_attempt_limit(),
-- retry_delay(), 20251201000100_notice_events.sql), as the WhatsApp outbox and
-- inbound processing do: one SQL function decides between retry and failure.
-- =============================================================================

-- A provider error on a claimed email (its attempt already counted by the
-- claim). Transient: queued again after retry_delay() scaled by p_delay_scale
-- (1 in production; tests pass 0 so as not to wait) and never sooner than the
-- provider's retry-after; failed once the attempts reach the limit. Returns
-- the row's new status.
create or replace function public.record_email_error(
  p_email_id uuid, p_error text, p_transient boolean,
  p_retry_after double precision default null, p_delay_scale double precision default 1
) returns text
language plpgsql set search_path = '' as $$
declare
  n integer;
begin
  select o.attempts into n from public.email_outbox o where o.id = p_email_id;
  if not found then
    raise exception 'email_not_found' using errcode = 'KH404';
  end if;
  if p_transient and n < public.retry_attempt_limit() then
    perform public.record_email_retry(p_email_id, p_error,
      greatest(extract(epoch from public.retry_delay(n)) * greatest(p_delay_scale, 0),
               coalesce(p_retry_after, 0)));
    return 'queued';
  end if;
  perform public.record_email_failed(p_email_id,
    case when p_transient then format('gave up after %s attempts: %s', n, p_error)
         else p_error end);
  return 'failed';
end
$$;

revoke execute on function
  public.record_email_error(uuid, text, boolean, double precision, double precision)
  from public, anon, authenticated;
grant execute on function
  public.record_email_error(uuid, text, boolean, double precision, double precision)
  to service_role;
