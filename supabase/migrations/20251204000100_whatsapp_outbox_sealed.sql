-- =============================================================================
-- Issue 16: the WhatsApp outbox sealed. The bot seals every reply it queues
-- (khadum/whatsapp/sealed.py, through khadum/bot/conversation.queue_bodies: the
-- one write path; a resend as template copies the sealed values as they are) and
-- only the WhatsApp sender opens a body, right before the Graph API call.
--
-- How each column holds its value now:
--   to_phone          the recipient's number, encrypted (context client.phone, the
--                     same as whatsapp_inbound.client_phone)
--   to_phone_index    its keyed blind index: each phone's order in the sender, the
--                     24-hour window, the KPIs
--   to_phone_display  +966••••••567, for logs and the operators
--   body              the Graph API message (it names the number in `to` and holds
--                     the reply's text), encrypted JSON as a JSON string
--                     (context whatsapp_outbox.body)
--   template_body     its approved-template alternative, sealed the same way (same
--                     context: the sender opens whichever body goes)
--   body_kind         the message's kind (text, interactive.list, template…):
--                     plain, not personal, for the KPIs
--   status, wamid, the times, attempts, errors, locale, request_id: plain
--
-- The checks refuse plain values from any path. They are NOT VALID: rows queued
-- before this migration are sealed by `khadum keys rotate` (which also fills their
-- blind index), then `alter table … validate constraint …` (README, "Threat model
-- and encryption"). Checks run as the writer: the ciphertext's shape is written
-- out, not called (public.is_ciphertext).
-- =============================================================================

alter table public.whatsapp_outbox
  alter column to_phone type text,
  add column to_phone_display text,
  add column body_kind text;

-- Rows queued before: the display form and the kind from the plain values (the
-- values themselves are sealed by `khadum keys rotate`).
update public.whatsapp_outbox
   set to_phone_display = left(to_phone, 4)
         || repeat('•', greatest(1, length(to_phone) - 7)) || right(to_phone, 3)
 where to_phone !~ '^ev1\.[A-Za-z0-9_-]{1,32}\.[A-Za-z0-9_-]+$';
update public.whatsapp_outbox
   set body_kind = left(coalesce(body ->> 'type', 'unknown')
         || coalesce('.' || (body -> (body ->> 'type') ->> 'type'), ''), 40)
 where jsonb_typeof(body) = 'object';

alter table public.whatsapp_outbox
  add constraint whatsapp_outbox_to_phone_sealed
    check (to_phone ~ '^ev1\.[A-Za-z0-9_-]{1,32}\.[A-Za-z0-9_-]+$') not valid,
  add constraint whatsapp_outbox_to_phone_index_present
    check (to_phone_index is not null) not valid,
  add constraint whatsapp_outbox_to_phone_display_check
    check (to_phone_display ~ '^\+[0-9]{0,4}•+[0-9]{0,3}$') not valid,
  add constraint whatsapp_outbox_body_sealed
    check (jsonb_typeof(body) = 'string'
           and (body #>> '{}') ~ '^ev1\.[A-Za-z0-9_-]{1,32}\.[A-Za-z0-9_-]+$') not valid,
  add constraint whatsapp_outbox_template_body_sealed
    check (template_body is null
           or (jsonb_typeof(template_body) = 'string'
               and (template_body #>> '{}') ~ '^ev1\.[A-Za-z0-9_-]{1,32}\.[A-Za-z0-9_-]+$'))
    not valid,
  add constraint whatsapp_outbox_body_kind_check
    check (body_kind ~ '^[a-z_]{1,20}(\.[a-z_]{1,19})?$') not valid;

comment on column public.whatsapp_outbox.to_phone is
  'The recipient''s number, encrypted (context client.phone); grouped and looked up by to_phone_index.';
comment on column public.whatsapp_outbox.to_phone_display is
  'Display form of the recipient''s number (+966•••••••567), for logs and the operators.';
comment on column public.whatsapp_outbox.body is
  'The Graph API message, encrypted JSON as a JSON string (context whatsapp_outbox.body); opened by the sender only.';
comment on column public.whatsapp_outbox.template_body is
  'The approved-template alternative, encrypted like body (context whatsapp_outbox.body).';
comment on column public.whatsapp_outbox.body_kind is
  'The message''s kind (text, interactive.list, template…): plain, for the KPIs.';

-- Each phone's rows in order, by blind index (from 20251121000100); the plain
-- number's index is useless now (every sealed copy differs).
drop index if exists public.whatsapp_outbox_phone_seq_idx;
create index whatsapp_outbox_phone_seq_idx
  on public.whatsapp_outbox (to_phone_index, seq) where status in ('queued', 'sending');
drop index if exists public.whatsapp_outbox_phone_idx;
create index whatsapp_outbox_phone_idx
  on public.whatsapp_outbox (to_phone_index, created_at);

-- (from 20251203000100_bot_sealed.sql; the copy keeps the sealed values, the
-- index, the display form and the kind)
create or replace function public.whatsapp_resend_as_template(p_id uuid) returns boolean
language plpgsql security definer set search_path = '' as $$
declare
  o public.whatsapp_outbox;
begin
  select * into o from public.whatsapp_outbox where id = p_id for update;
  if not found or o.template_body is null or o.sent_as_template then
    return false;
  end if;
  if o.status in ('queued', 'sending') then
    update public.whatsapp_outbox
       set status = 'queued', sent_as_template = true, claimed_by = null,
           send_attempted_at = null, next_attempt_at = now()
     where id = p_id;
  else
    insert into public.whatsapp_outbox (to_phone, to_phone_index, to_phone_display, body,
                                        body_kind, template_body, sent_as_template, locale,
                                        request_id)
    values (o.to_phone, o.to_phone_index, o.to_phone_display, o.body, o.body_kind,
            o.template_body, true, o.locale, o.request_id);
  end if;
  return true;
end
$$;
revoke execute on function public.whatsapp_resend_as_template(uuid)
  from public, anon, authenticated;
grant execute on function public.whatsapp_resend_as_template(uuid) to service_role;

-- (from 20251203000100_bot_sealed.sql) Each phone's order by blind index; the
-- sender gets the sealed body (it opens it), the index (its per-phone groups)
-- and the display form (its logs). A row queued before this migration without
-- an index is its own group until `khadum keys rotate` fills it.
drop function public.claim_due_whatsapp(integer, text, interval, interval);
create function public.claim_due_whatsapp(
  p_limit integer, p_worker text, p_lease interval, p_reconcile_after interval
) returns table (id uuid, to_phone_index text, to_phone_display text, body jsonb,
                 attempts integer, seq bigint)
language plpgsql security definer set search_path = '' as $$
#variable_conflict use_column
begin
  update public.whatsapp_outbox o
     set status = 'failed', failed_at = now(), error_code = '131047',
         last_error = 'not sent: the 24-hour window is closed and it has no template'
   where o.status = 'queued' and o.requires_window and o.next_attempt_at <= now()
     and not public.whatsapp_window_open(o.to_phone_index);
  update public.whatsapp_outbox o
     set status = 'queued', claimed_by = null, send_attempted_at = null
   where o.status = 'sending' and o.next_attempt_at < now()
     and (o.send_attempted_at is null or o.send_attempted_at < now() - p_reconcile_after);
  return query
  with due as (
    select d.id from public.whatsapp_outbox d
     where d.status = 'queued' and d.next_attempt_at <= now()
       and not exists (
         select 1 from public.whatsapp_outbox e
          where e.to_phone_index = d.to_phone_index and e.seq < d.seq
            and (e.status = 'sending' or (e.status = 'queued' and e.next_attempt_at > now())))
     order by d.seq limit p_limit
     for update skip locked)
  update public.whatsapp_outbox o
     set status = 'sending', claimed_by = p_worker, next_attempt_at = now() + p_lease,
         sent_as_template = o.sent_as_template
           or (o.template_body is not null and not public.whatsapp_window_open(o.to_phone_index))
    from due where o.id = due.id
  returning o.id, o.to_phone_index, o.to_phone_display,
            case when o.sent_as_template then o.template_body else o.body end,
            o.attempts, o.seq;
end
$$;
revoke execute on function public.claim_due_whatsapp(integer, text, interval, interval)
  from public, anon, authenticated;
grant execute on function public.claim_due_whatsapp(integer, text, interval, interval)
  to service_role;

-- Clients who were sent a list, counted by blind index and the plain kind (from
-- 20251203000100_bot_sealed.sql).
create or replace function public.kpi_funnel(p_from date, p_to date) returns jsonb
language plpgsql stable security definer set search_path = '' as $$
declare
  lo timestamptz := p_from::timestamp at time zone 'Asia/Riyadh';
  hi timestamptz := (p_to + 1)::timestamp at time zone 'Asia/Riyadh';
  out jsonb;
begin
  perform public.require_staff();
  select jsonb_build_object(
    'conversations', (select count(distinct i.client_phone_index) from public.whatsapp_inbound i
                       where i.received_at >= lo and i.received_at < hi),
    'listed', (select count(distinct o.to_phone_index) from public.whatsapp_outbox o
                where o.created_at >= lo and o.created_at < hi
                  and o.body_kind = 'interactive.list'),
    'requests', count(*),
    'accepted', count(*) filter (where f.status = 'accepted'),
    'completed', count(*) filter (where f.chat_status = 'completed'))
  into out
  from public.kpi_request_facts(p_from, p_to) f;
  return out;
end
$$;
revoke execute on function public.kpi_funnel(date, date) from public, anon, authenticated;
grant execute on function public.kpi_funnel(date, date) to authenticated, service_role;
comment on function public.kpi_funnel(date, date) is
  'callable by authenticated: staff only (require_staff first): the console''s funnel';
