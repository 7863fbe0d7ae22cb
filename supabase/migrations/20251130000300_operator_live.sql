-- =============================================================================
-- Operator console, live: what moves a KPI (a request's events, a completion, a
-- rating, a failed email) is broadcast on the private topic `staff`, which only
-- staff may join. The payload names the action only; the console refetches.
-- =============================================================================

create or replace function public.broadcast_staff_activity() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  perform realtime.send(
    jsonb_build_object('action', new.action, 'at', new.created_at),
    'activity', 'staff', true);
  return null;
end
$$;
revoke execute on function public.broadcast_staff_activity() from public, anon, authenticated, service_role;

drop trigger if exists activity_log_broadcast_staff on public.activity_log;
create trigger activity_log_broadcast_staff
  after insert on public.activity_log
  for each row
  when (new.action like 'request.%' or new.action like 'staff.%'
        or new.action in ('chat.completed', 'chat.rated', 'email.failed'))
  execute function public.broadcast_staff_activity();

drop policy if exists "staff receive on the staff topic" on realtime.messages;
create policy "staff receive on the staff topic" on realtime.messages
  for select to authenticated
  using (
    realtime.messages.extension = 'broadcast'
    and (select realtime.topic()) = 'staff'
    and (select public.is_staff()));
