-- =============================================================================
-- Operator console: the review queues. Each is one staff-only SQL function
-- (guard clause first: public.require_staff()), paged, newest first, answering
-- the total beside the page. Every staff action is written to activity_log.
-- =============================================================================

-- ---------------------------------------------------------------------------
-- Who did it, for the log: the staff member's user id (or 'service').
-- ---------------------------------------------------------------------------
create or replace function public.staff_actor_id() returns text
language sql stable set search_path = '' as $$
  select coalesce((select auth.jwt()) ->> 'sub', 'service')
$$;
revoke execute on function public.staff_actor_id() from public, anon, authenticated;
grant execute on function public.staff_actor_id() to service_role;

create or replace function public.staff_page_bounds(p_limit integer, p_offset integer)
returns void
language plpgsql immutable set search_path = '' as $$
begin
  if p_limit is null or p_limit < 1 or p_limit > 200 then
    raise exception 'invalid_page' using errcode = 'KH422';
  end if;
  if p_offset is null or p_offset < 0 or p_offset > 1000000 then
    raise exception 'invalid_page' using errcode = 'KH422';
  end if;
end
$$;
revoke execute on function public.staff_page_bounds(integer, integer) from public, anon, authenticated;
grant execute on function public.staff_page_bounds(integer, integer) to service_role;

create index if not exists activity_log_action_created_idx
  on public.activity_log (action, created_at desc);
create index if not exists activity_log_actor_created_idx
  on public.activity_log (actor_type, created_at desc);

-- ---------------------------------------------------------------------------
-- The activity log, filtered by actor, kind (action prefix), request, chat and
-- Riyadh dates.
-- ---------------------------------------------------------------------------
create or replace function public.staff_activity(
  p_actor_type text default null,
  p_action text default null,
  p_request_id uuid default null,
  p_chat_id uuid default null,
  p_from date default null,
  p_to date default null,
  p_limit integer default 50,
  p_offset integer default 0
) returns jsonb
language plpgsql stable security definer set search_path = '' as $$
declare
  result jsonb;
begin
  perform public.require_staff();
  perform public.staff_page_bounds(p_limit, p_offset);
  with hits as (
    select a.* from public.activity_log a
     where (p_actor_type is null or a.actor_type = p_actor_type)
       and (p_action is null or a.action like replace(replace(p_action, '%', ''), '_', '\_') || '%')
       and (p_request_id is null
            or (a.subject_type = 'request' and a.subject_id = p_request_id::text)
            or a.details ->> 'request_id' = p_request_id::text)
       and (p_chat_id is null
            or (a.subject_type = 'chat' and a.subject_id = p_chat_id::text)
            or a.details ->> 'chat_id' = p_chat_id::text)
       and (p_from is null or a.created_at >= (p_from::timestamp at time zone 'Asia/Riyadh'))
       and (p_to is null or a.created_at < ((p_to + 1)::timestamp at time zone 'Asia/Riyadh'))
  )
  select jsonb_build_object(
    'total', (select count(*) from hits),
    'items', coalesce((
      select jsonb_agg(to_jsonb(page) order by page.created_at desc, page.id desc)
        from (select h.id, h.actor_type, h.actor_id, h.action, h.subject_type, h.subject_id,
                     h.details, h.created_at
                from hits h order by h.created_at desc, h.id desc
               limit p_limit offset p_offset) page), '[]'::jsonb))
  into result;
  return result;
end
$$;
revoke execute on function public.staff_activity(text, text, uuid, uuid, date, date, integer, integer)
  from public, anon, authenticated;
grant execute on function public.staff_activity(text, text, uuid, uuid, date, date, integer, integer)
  to authenticated, service_role;
comment on function public.staff_activity(text, text, uuid, uuid, date, date, integer, integer) is
  'callable by authenticated: staff only (require_staff first): the activity log for review';

-- ---------------------------------------------------------------------------
-- Masked and moderated chat messages, with the two messages before each.
-- ---------------------------------------------------------------------------
create or replace function public.staff_masked_messages(p_limit integer default 50, p_offset integer default 0)
returns jsonb
language plpgsql stable security definer set search_path = '' as $$
declare
  result jsonb;
begin
  perform public.require_staff();
  perform public.staff_page_bounds(p_limit, p_offset);
  select jsonb_build_object(
    'total', (select count(*) from public.chat_messages m where m.was_masked),
    'items', coalesce((
      select jsonb_agg(jsonb_build_object(
               'id', m.id, 'chat_id', m.chat_id, 'sender_type', m.sender_type,
               'message_content', m.message_content, 'created_at', m.created_at,
               'context', (select coalesce(jsonb_agg(jsonb_build_object(
                                   'sender_type', c.sender_type,
                                   'message_content', c.message_content,
                                   'created_at', c.created_at) order by c.created_at), '[]'::jsonb)
                             from (select * from public.chat_messages p
                                    where p.chat_id = m.chat_id and p.created_at < m.created_at
                                    order by p.created_at desc limit 2) c))
             order by m.created_at desc)
        from (select * from public.chat_messages x where x.was_masked
               order by x.created_at desc limit p_limit offset p_offset) m), '[]'::jsonb))
  into result;
  return result;
end
$$;
revoke execute on function public.staff_masked_messages(integer, integer) from public, anon, authenticated;
grant execute on function public.staff_masked_messages(integer, integer) to authenticated, service_role;
comment on function public.staff_masked_messages(integer, integer) is
  'callable by authenticated: staff only (require_staff first): masked messages for review';

-- ---------------------------------------------------------------------------
-- WhatsApp dead letters: inbound messages that failed five times.
-- ---------------------------------------------------------------------------
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
               where i.processed_at is null and i.attempts >= 5),
    'items', coalesce((
      select jsonb_agg(jsonb_build_object(
               'id', d.id, 'wamid', d.wamid, 'client_phone', d.client_phone,
               'message_type', d.message_type, 'attempts', d.attempts,
               'last_error', d.last_error, 'received_at', d.received_at)
             order by d.received_at desc)
        from (select * from public.whatsapp_inbound i
               where i.processed_at is null and i.attempts >= 5
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
  if row_.processed_at is not null or row_.attempts < 5 then
    raise exception 'not_a_dead_letter' using errcode = 'KH409';
  end if;
  update public.whatsapp_inbound set attempts = 0, last_error = null where id = p_id;
  perform public.log_activity('operator', public.staff_actor_id(), 'staff.dead_letter_retried',
    'whatsapp_inbound', p_id::text,
    jsonb_build_object('previous_error', row_.last_error, 'attempts', row_.attempts));
  perform pg_notify('khadum_inbound', row_.client_phone);
  return jsonb_build_object('id', p_id, 'status', 'queued');
end
$$;
revoke execute on function public.staff_retry_dead_letter(uuid) from public, anon, authenticated;
grant execute on function public.staff_retry_dead_letter(uuid) to authenticated, service_role;
comment on function public.staff_retry_dead_letter(uuid) is
  'callable by authenticated: staff only (require_staff first): retry a dead letter, logged';

-- ---------------------------------------------------------------------------
-- Emails that failed, bounced or drew a complaint; resend one.
-- ---------------------------------------------------------------------------
create or replace function public.staff_failed_emails(p_limit integer default 50, p_offset integer default 0)
returns jsonb
language plpgsql stable security definer set search_path = '' as $$
declare
  result jsonb;
begin
  perform public.require_staff();
  perform public.staff_page_bounds(p_limit, p_offset);
  select jsonb_build_object(
    'total', (select count(*) from public.email_outbox e
               where e.status in ('failed', 'bounced', 'complained')),
    'items', coalesce((
      select jsonb_agg(jsonb_build_object(
               'id', f.id, 'to_email', f.to_email, 'template', f.template,
               'subject', f.subject, 'status', f.status, 'attempts', f.attempts,
               'last_error', f.last_error, 'last_event', f.last_event,
               'request_id', f.request_id, 'created_at', f.created_at)
             order by f.created_at desc)
        from (select * from public.email_outbox e
               where e.status in ('failed', 'bounced', 'complained')
               order by e.created_at desc limit p_limit offset p_offset) f), '[]'::jsonb))
  into result;
  return result;
end
$$;
revoke execute on function public.staff_failed_emails(integer, integer) from public, anon, authenticated;
grant execute on function public.staff_failed_emails(integer, integer) to authenticated, service_role;
comment on function public.staff_failed_emails(integer, integer) is
  'callable by authenticated: staff only (require_staff first): failed and bounced emails';

-- A resend is a new outbox row (a new idempotency key, so the provider sends it
-- again); the failed row stays as it was, for the record.
create or replace function public.staff_resend_email(p_id uuid) returns jsonb
language plpgsql security definer set search_path = '' as $$
declare
  old_ public.email_outbox;
  new_id uuid;
  tries integer;
begin
  perform public.require_staff();
  select * into old_ from public.email_outbox where id = p_id for update;
  if not found then
    raise exception 'email_not_found' using errcode = 'KH404';
  end if;
  if old_.status not in ('failed', 'bounced', 'complained') then
    raise exception 'email_not_failed'
      using errcode = 'KH409';
  end if;
  select count(*) into tries from public.email_outbox
   where idempotency_key like old_.idempotency_key || ':resend:%';
  insert into public.email_outbox (idempotency_key, to_email, template, params, locale,
                                   subject, html_body, text_body, request_id)
  values (old_.idempotency_key || ':resend:' || (tries + 1), old_.to_email, old_.template,
          old_.params, old_.locale, old_.subject, old_.html_body, old_.text_body, old_.request_id)
  returning id into new_id;
  perform public.log_activity('operator', public.staff_actor_id(), 'staff.email_resent',
    'email', p_id::text, jsonb_build_object('new_email_id', new_id, 'status', old_.status));
  perform pg_notify('khadum_outbox', 'email');
  return jsonb_build_object('id', new_id, 'status', 'queued', 'resent_from', p_id);
end
$$;
revoke execute on function public.staff_resend_email(uuid) from public, anon, authenticated;
grant execute on function public.staff_resend_email(uuid) to authenticated, service_role;
comment on function public.staff_resend_email(uuid) is
  'callable by authenticated: staff only (require_staff first): resend an email, logged';

-- ---------------------------------------------------------------------------
-- Pending requests close to expiry that their freelancer has not opened.
-- ---------------------------------------------------------------------------
create or replace function public.staff_unopened_expiring(
  p_within interval default interval '6 hours',
  p_limit integer default 50, p_offset integer default 0
) returns jsonb
language plpgsql stable security definer set search_path = '' as $$
declare
  result jsonb;
begin
  perform public.require_staff();
  perform public.staff_page_bounds(p_limit, p_offset);
  with hits as (
    select r.id, r.freelancer_id, f.display_name, r.service_category, r.created_at, r.expires_at
      from public.client_requests r
      join public.freelancers f on f.id = r.freelancer_id
     where r.status = 'pending' and r.expires_at > now() and r.expires_at <= now() + p_within
       and not exists (select 1 from public.notifications n
                        where n.request_id = r.id and n.is_read)
  )
  select jsonb_build_object(
    'total', (select count(*) from hits),
    'items', coalesce((select jsonb_agg(to_jsonb(p) order by p.expires_at)
                         from (select * from hits order by expires_at
                                limit p_limit offset p_offset) p), '[]'::jsonb))
  into result;
  return result;
end
$$;
revoke execute on function public.staff_unopened_expiring(interval, integer, integer)
  from public, anon, authenticated;
grant execute on function public.staff_unopened_expiring(interval, integer, integer)
  to authenticated, service_role;
comment on function public.staff_unopened_expiring(interval, integer, integer) is
  'callable by authenticated: staff only (require_staff first): requests about to expire unopened';
