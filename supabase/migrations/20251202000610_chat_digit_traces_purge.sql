-- =============================================================================
-- Digit traces (20251202000600_chat_encrypted.sql) of chats that went quiet are
-- deleted once out of the ten-minute window by the minute job. Same function as
-- 20251201000100_notice_events.sql otherwise (signature, owner and grants kept).
-- =============================================================================

create or replace function public.chat_housekeeping(
  p_unread_after interval default interval '10 minutes',
  p_rating_after interval default interval '1 day'
) returns integer
language plpgsql security definer set search_path = '' as $$
declare
  n integer;
  queued integer;
begin
  -- the digit window's memory is ten minutes long: older traces go, from every chat
  delete from public.chat_digit_traces t where t.created_at <= now() - interval '10 minutes';

  with due as (
    select c.id
    from public.private_chats c
    where c.status = 'active'
      and exists (
        select 1 from public.chat_messages m
        where m.chat_id = c.id and m.sender_type = 'freelancer'
          and m.created_at > coalesce(c.client_last_read_at, '-infinity')
          and m.created_at > coalesce(c.client_nudged_at, '-infinity')
          and m.created_at <= now() - p_unread_after)
    for update of c skip locked
  ), marked as (
    update public.private_chats c set client_nudged_at = now() from due where c.id = due.id
    returning c.id
  )
  insert into public.chat_events (chat_id, event_type) select m.id, 'unread_nudge' from marked m;
  get diagnostics queued = row_count;

  with due as (
    select c.id
    from public.private_chats c
    where c.status = 'completed' and c.rating_requested_at is null
      and c.completed_at <= now() - p_rating_after
      and not exists (select 1 from public.chat_ratings r where r.chat_id = c.id)
    for update of c skip locked
  ), marked as (
    update public.private_chats c set rating_requested_at = now() from due where c.id = due.id
    returning c.id
  )
  insert into public.chat_events (chat_id, event_type)
  select m.id, 'rating_requested' from marked m;
  get diagnostics n = row_count;
  return queued + n;
end
$$;
