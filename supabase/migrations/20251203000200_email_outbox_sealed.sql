-- =============================================================================
-- Issue 16: the email outbox sealed. The functions seal what they queue
-- (khadum/email/sealed.py: the one path) and only the email drain opens it,
-- right before sending:
--   to_email   ciphertext of the address (context email_outbox.to_email)
--   to_display a display form (a•••@example.com) for the operator console
--   subject, html_body, text_body   ciphertext
--   params     ciphertext as a JSON string (names, links)
-- The checks are added NOT VALID so a database with older plain rows upgrades;
-- `khadum keys rotate` seals those rows, then validate the constraints (README).
-- The staff console's email queue shows the display form; the console opens
-- the subject it shows and logs that read (staff_record_read, below).
-- =============================================================================

alter table public.email_outbox add column to_display varchar(255);
update public.email_outbox
   set to_display = left(left(split_part(to_email, '@', 1), 1) || '•••@'
                         || split_part(to_email, '@', 2), 255)
 where to_display is null and not public.is_ciphertext(to_email);
update public.email_outbox set to_display = '•••' where to_display is null;
alter table public.email_outbox alter column to_display set not null;

alter table public.email_outbox drop constraint if exists email_outbox_to_email_check;
alter table public.email_outbox alter column to_email type text;
alter table public.email_outbox
  add constraint email_outbox_to_email_sealed check (public.is_ciphertext(to_email)) not valid,
  add constraint email_outbox_subject_sealed
    check (subject is null or public.is_ciphertext(subject)) not valid,
  add constraint email_outbox_html_body_sealed
    check (html_body is null or public.is_ciphertext(html_body)) not valid,
  add constraint email_outbox_text_body_sealed
    check (text_body is null or public.is_ciphertext(text_body)) not valid;
alter table public.email_outbox alter column params drop default;
alter table public.email_outbox alter column params drop not null;
alter table public.email_outbox
  add constraint email_outbox_params_sealed
    check (params is null
           or (jsonb_typeof(params) = 'string' and public.is_ciphertext(params #>> '{}')))
    not valid;

-- From 20251122000100_respond_request.sql: the display form travels beside the
-- sealed values (the sealed ones are stored as the functions sealed them).
create or replace function public.queue_rendered_emails(p_request_id uuid, p_emails jsonb)
returns void
language sql security definer set search_path = '' as $$
  insert into public.email_outbox (idempotency_key, to_email, to_display, template, params,
                                   locale, subject, html_body, text_body, request_id)
  select p_request_id::text || ':' || (e ->> 'template'), e ->> 'to_email',
         coalesce(e ->> 'to_display', '•••'), e ->> 'template',
         e -> 'params', coalesce(e ->> 'locale', 'ar'),
         e ->> 'subject', e ->> 'html_body', e ->> 'text_body', p_request_id
  from jsonb_array_elements(coalesce(p_emails, '[]'::jsonb)) e
  where nullif(e ->> 'to_email', '') is not null
  on conflict (idempotency_key) do nothing;
$$;
revoke execute on function public.queue_rendered_emails(uuid, jsonb)
  from public, anon, authenticated;
grant execute on function public.queue_rendered_emails(uuid, jsonb) to service_role;

-- From 20251202000500_web_push.sql: the address arrives sealed (SQL cannot check
-- its shape any more: the function checked it before sealing; no address, no email).
create or replace function public.record_request_alert_email(p_alert_id uuid, p_email jsonb)
returns text
language plpgsql security definer set search_path = '' as $$
declare
  a public.request_alerts;
  v_email uuid;
begin
  select * into a from public.request_alerts where id = p_alert_id for update;
  if not found then
    raise exception 'alert_not_found' using errcode = 'KH404';
  end if;
  if a.status <> 'due' then
    return a.status;
  end if;
  if p_email is null or nullif(p_email ->> 'to_email', '') is null then
    update public.request_alerts
       set status = 'failed', last_error = 'the freelancer has no email address',
           settled_at = now()
     where id = p_alert_id;
    perform public.log_activity('system', null, 'request.alert_failed', 'request',
                                a.request_id::text, jsonb_build_object('kind', a.kind));
    return 'failed';
  end if;
  insert into public.email_outbox (idempotency_key, to_email, to_display, template, params,
                                   locale, subject, html_body, text_body, request_id)
  values ('alert:' || p_alert_id::text, p_email ->> 'to_email',
          coalesce(p_email ->> 'to_display', '•••'), p_email ->> 'template',
          p_email -> 'params', coalesce(p_email ->> 'locale', 'ar'),
          p_email ->> 'subject', p_email ->> 'html_body', p_email ->> 'text_body', a.request_id)
  on conflict (idempotency_key) do nothing
  returning id into v_email;
  update public.request_alerts
     set status = 'sent', email_id = v_email, settled_at = now()
   where id = p_alert_id;
  perform public.log_activity('system', null, 'request.alert_sent', 'request',
                              a.request_id::text,
                              jsonb_build_object('kind', a.kind, 'email_id', v_email));
  return 'sent';
end
$$;
revoke execute on function public.record_request_alert_email(uuid, jsonb)
  from public, anon, authenticated;
grant execute on function public.record_request_alert_email(uuid, jsonb) to service_role;

-- From 20251130000200_operator_review.sql: the recipient by its display form; the
-- subject as stored (sealed: the console opens it, and logs that it did).
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
               'id', f.id, 'to_email', f.to_display, 'template', f.template,
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

-- From 20251130000200_operator_review.sql: the copy keeps the sealed values as they
-- are (same columns, same contexts) and the display form.
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
  insert into public.email_outbox (idempotency_key, to_email, to_display, template, params,
                                   locale, subject, html_body, text_body, request_id)
  values (old_.idempotency_key || ':resend:' || (tries + 1), old_.to_email, old_.to_display,
          old_.template, old_.params, old_.locale, old_.subject, old_.html_body,
          old_.text_body, old_.request_id)
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
-- Each staff read of plaintext is logged (issue 16, item 3): the console opens
-- sealed values for staff (the messages under review, the emails' subjects) and
-- records, in the same transaction, who read which rows: ids only, never text.
-- The action is `audit.staff_read`, not `staff.…`: the console refetches on every
-- `staff.…` broadcast (20251130000300), and a read must not cause another read.
-- ---------------------------------------------------------------------------
create or replace function public.staff_record_read(p_subject_type text, p_ids text[])
returns void
language plpgsql security definer set search_path = '' as $$
begin
  perform public.require_staff();
  if p_subject_type is null or p_subject_type !~ '^[a-z_]{1,40}$' then
    raise exception 'invalid_subject_type' using errcode = 'KH422';
  end if;
  if coalesce(cardinality(p_ids), 0) = 0 then
    return;
  end if;
  perform public.log_activity('operator', public.staff_actor_id(), 'audit.staff_read',
    p_subject_type, case when cardinality(p_ids) = 1 then p_ids[1] end,
    jsonb_build_object('ids', to_jsonb(p_ids)));
end
$$;
revoke execute on function public.staff_record_read(text, text[]) from public, anon, authenticated;
grant execute on function public.staff_record_read(text, text[]) to authenticated, service_role;
comment on function public.staff_record_read(text, text[]) is
  'callable by authenticated: staff only (require_staff first): logs which sealed rows the console opened for the caller';
