-- =============================================================================
-- Freelancers hear of a request even when the dashboard is closed.
--
--   push_subscriptions   a browser's Web Push subscription, one row per endpoint,
--                        owned by the freelancer who signed in there last
--   push_outbox          one row per notification and subscription: appended by
--                        SQL (a trigger on notifications), sent by the worker
--                        (pywebpush, VAPID); retried by the shared rule
--                        (retry_attempt_limit(), retry_delay()); a 404/410 from
--                        the push service removes the subscription
--   request_opens        when the freelancer first opened a request's card
--   request_alerts       an email to the freelancer when a request stays
--                        unopened, and a reminder before it expires: each once
--                        (unique per request and kind), logged, and never sent
--                        once the request is opened or answered
--
-- The rules (is a request opened; is an alert due) are SQL functions below; the
-- deadline is asked of is_actionable() only (tests/db/test_one_rule.py).
-- =============================================================================

-- ---------------------------------------------------------------------------
-- Subscriptions
-- ---------------------------------------------------------------------------
create table public.push_subscriptions (
  id uuid primary key default gen_random_uuid(),
  freelancer_id uuid not null references public.freelancers (id) on delete cascade,
  endpoint text not null unique
    check (endpoint ~ '^https?://[^\s]+$' and length(endpoint) <= 2048),
  -- The browser's keys, base64url as PushSubscription.toJSON() gives them.
  p256dh text not null check (p256dh ~ '^[A-Za-z0-9_-]{80,100}={0,2}$'),
  auth text not null check (auth ~ '^[A-Za-z0-9_-]{16,40}={0,2}$'),
  user_agent text check (length(user_agent) <= 512),
  created_at timestamptz not null default now(),
  last_sent_at timestamptz
);
create index push_subscriptions_freelancer_idx on public.push_subscriptions (freelancer_id);

-- Security: a freelancer reads and removes only their own subscriptions; adding
-- one goes through push_subscribe() (an endpoint belongs to the browser, and
-- moves to whoever signed in there last).
alter table public.push_subscriptions enable row level security;
revoke all on table public.push_subscriptions from anon, authenticated, service_role;
grant select, delete on table public.push_subscriptions to authenticated;
grant select, insert, update, delete on table public.push_subscriptions to service_role;
create policy push_subscriptions_select_own on public.push_subscriptions
  for select to authenticated
  using (freelancer_id = (select public.current_freelancer_id()));
create policy push_subscriptions_delete_own on public.push_subscriptions
  for delete to authenticated
  using (freelancer_id = (select public.current_freelancer_id()));

create or replace function public.push_subscribe(
  p_endpoint text, p_p256dh text, p_auth text, p_user_agent text default null
) returns uuid
language plpgsql security definer set search_path = '' as $$
declare
  v_freelancer uuid := public.current_freelancer_id();
  v_id uuid;
begin
  if v_freelancer is null then
    raise exception 'not_a_freelancer' using errcode = 'KH403';
  end if;
  -- (its length is the column's check: one statement of the cap)
  if p_endpoint is null or p_endpoint !~ '^https?://[^\s]+$' then
    raise exception 'invalid_push_endpoint' using errcode = 'KH422';
  end if;
  if p_p256dh is null or p_p256dh !~ '^[A-Za-z0-9_-]{80,100}={0,2}$'
     or p_auth is null or p_auth !~ '^[A-Za-z0-9_-]{16,40}={0,2}$' then
    raise exception 'invalid_push_keys' using errcode = 'KH422';
  end if;
  insert into public.push_subscriptions (freelancer_id, endpoint, p256dh, auth, user_agent)
  values (v_freelancer, p_endpoint, p_p256dh, p_auth, left(p_user_agent, 512))
  on conflict (endpoint) do update
    set freelancer_id = excluded.freelancer_id, p256dh = excluded.p256dh,
        auth = excluded.auth, user_agent = excluded.user_agent
  returning id into v_id;
  perform public.log_activity('freelancer', v_freelancer::text, 'push.subscribed',
                              'push_subscription', v_id::text, '{}'::jsonb);
  return v_id;
end
$$;
revoke execute on function public.push_subscribe(text, text, text, text)
  from public, anon, authenticated;
grant execute on function public.push_subscribe(text, text, text, text)
  to authenticated, service_role;
comment on function public.push_subscribe(text, text, text, text) is
  'callable by authenticated: security definer; stores the caller''s own browser push subscription (KH403 unless a freelancer)';

-- ---------------------------------------------------------------------------
-- The push queue
-- ---------------------------------------------------------------------------
create table public.push_outbox (
  id uuid primary key default gen_random_uuid(),
  subscription_id uuid references public.push_subscriptions (id) on delete set null,
  freelancer_id uuid not null references public.freelancers (id) on delete cascade,
  notification_id uuid references public.notifications (id) on delete cascade,
  -- What the service worker shows: {title, body, url, tag, request_id, type}.
  payload jsonb not null,
  status varchar(12) not null default 'queued'
    check (status in ('queued', 'sending', 'sent', 'failed', 'gone')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  claimed_by varchar(64),
  claimed_at timestamptz,
  last_error text,
  sent_at timestamptz,
  created_at timestamptz not null default now(),
  unique (subscription_id, notification_id)
);
create index push_outbox_due_idx on public.push_outbox (next_attempt_at) where status = 'queued';
create index push_outbox_claimed_idx on public.push_outbox (claimed_by) where status = 'sending';

-- Security: server-side only: the service role, no policy for the API roles.
alter table public.push_outbox enable row level security;
revoke all on table public.push_outbox from anon, authenticated, service_role;
grant select, insert, update, delete on table public.push_outbox to service_role;

create trigger push_outbox_wake_workers
  after insert on public.push_outbox referencing new table as fresh
  for each statement execute function public.notify_khadum_work('push');

-- Every notification goes to each of its freelancer's browsers: the words are the
-- notification's own (rendered in SQL from the message catalogue when it was made).
create or replace function public.queue_notification_pushes() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  insert into public.push_outbox (subscription_id, freelancer_id, notification_id, payload)
  select s.id, n.freelancer_id, n.id,
         jsonb_build_object(
           'title', n.title, 'body', n.message, 'type', n.type,
           'request_id', n.request_id, 'notification_id', n.id,
           'tag', 'khadum-' || coalesce(n.request_id, n.id)::text,
           'url', case when n.request_id is not null
                       then '/#/requests/' || n.request_id::text else '/#/notifications' end)
    from fresh n
    join public.push_subscriptions s on s.freelancer_id = n.freelancer_id
  on conflict (subscription_id, notification_id) do nothing;
  return null;
end
$$;
revoke execute on function public.queue_notification_pushes()
  from public, anon, authenticated, service_role;
create trigger notifications_queue_pushes
  after insert on public.notifications referencing new table as fresh
  for each statement execute function public.queue_notification_pushes();

-- Claims due pushes for one sender (a lease: a sender that died leaves rows that
-- are taken again after p_stale_after).
create or replace function public.claim_due_push(
  p_limit integer, p_stale_after interval, p_worker text
) returns table (id uuid, endpoint text, p256dh text, auth text, payload jsonb,
                 attempts integer)
language sql set search_path = '' as $$
  with claimed as (
    update public.push_outbox o
       set status = 'sending', attempts = o.attempts + 1, claimed_at = now(),
           claimed_by = p_worker
     where o.id in (
       select d.id from public.push_outbox d
        where d.subscription_id is not null
          and ((d.status = 'queued' and d.next_attempt_at <= now())
            or (d.status = 'sending' and d.claimed_at < now() - p_stale_after))
        order by d.next_attempt_at, d.created_at
        limit p_limit
        for update skip locked)
    returning o.id, o.subscription_id, o.payload, o.attempts)
  select c.id, s.endpoint, s.p256dh, s.auth, c.payload, c.attempts
    from claimed c join public.push_subscriptions s on s.id = c.subscription_id
$$;
revoke execute on function public.claim_due_push(integer, interval, text)
  from public, anon, authenticated;
grant execute on function public.claim_due_push(integer, interval, text) to service_role;

create or replace function public.record_push_sent(p_id uuid) returns void
language sql set search_path = '' as $$
  with sent as (
    update public.push_outbox
       set status = 'sent', sent_at = now(), claimed_by = null, last_error = null
     where id = p_id
    returning subscription_id)
  update public.push_subscriptions s set last_sent_at = now()
    from sent where s.id = sent.subscription_id;
$$;
revoke execute on function public.record_push_sent(uuid) from public, anon, authenticated;
grant execute on function public.record_push_sent(uuid) to service_role;

-- A push service error on a claimed push (its attempt already counted by the
-- claim): transient → queued again after retry_delay() (scaled by p_delay_scale:
-- tests pass 0), never sooner than the service's retry-after; failed once the
-- attempts reach retry_attempt_limit(). The same rule as every other queue.
create or replace function public.record_push_error(
  p_id uuid, p_error text, p_transient boolean,
  p_retry_after double precision default null, p_delay_scale double precision default 1
) returns text
language plpgsql set search_path = '' as $$
declare
  o public.push_outbox;
begin
  select * into o from public.push_outbox where id = p_id;
  if not found then
    raise exception 'push_not_found' using errcode = 'KH404';
  end if;
  if p_transient and o.attempts < public.retry_attempt_limit() then
    update public.push_outbox
       set status = 'queued', claimed_by = null, last_error = left(p_error, 1000),
           next_attempt_at = now() + make_interval(secs => greatest(
             extract(epoch from public.retry_delay(o.attempts)) * greatest(p_delay_scale, 0),
             coalesce(p_retry_after, 0)))
     where id = p_id;
    return 'queued';
  end if;
  update public.push_outbox
     set status = 'failed', claimed_by = null,
         last_error = left(case when p_transient
                                then format('gave up after %s attempts: %s', o.attempts, p_error)
                                else p_error end, 1000)
   where id = p_id;
  perform public.log_activity('system', null, 'push.failed', 'push', p_id::text,
                              jsonb_build_object('error', left(p_error, 200)));
  return 'failed';
end
$$;
revoke execute on function
  public.record_push_error(uuid, text, boolean, double precision, double precision)
  from public, anon, authenticated;
grant execute on function
  public.record_push_error(uuid, text, boolean, double precision, double precision)
  to service_role;

-- The push service answered 404 or 410: the subscription is gone for good.
-- It is removed, and what was still waiting for it will never go.
create or replace function public.record_push_gone(p_id uuid, p_status integer)
returns void
language plpgsql set search_path = '' as $$
declare
  o public.push_outbox;
begin
  select * into o from public.push_outbox where id = p_id;
  if not found then
    raise exception 'push_not_found' using errcode = 'KH404';
  end if;
  update public.push_outbox
     set status = 'gone', claimed_by = null,
         last_error = format('push service answered %s: subscription removed', p_status)
   where subscription_id = o.subscription_id and (id = p_id or status = 'queued');
  delete from public.push_subscriptions where id = o.subscription_id;
  perform public.log_activity('system', null, 'push.subscription_removed', 'freelancer',
                              o.freelancer_id::text, jsonb_build_object('status', p_status));
end
$$;
revoke execute on function public.record_push_gone(uuid, integer) from public, anon, authenticated;
grant execute on function public.record_push_gone(uuid, integer) to service_role;

-- ---------------------------------------------------------------------------
-- Opening a request
-- ---------------------------------------------------------------------------
create table public.request_opens (
  request_id uuid primary key references public.client_requests (id) on delete cascade,
  freelancer_id uuid not null references public.freelancers (id) on delete cascade,
  opened_at timestamptz not null default now()
);
create index request_opens_freelancer_idx on public.request_opens (freelancer_id);

alter table public.request_opens enable row level security;
revoke all on table public.request_opens from anon, authenticated, service_role;
grant select on table public.request_opens to authenticated;
grant select, insert, update, delete on table public.request_opens to service_role;
create policy request_opens_select_own on public.request_opens
  for select to authenticated
  using (freelancer_id = (select public.current_freelancer_id()));

-- The dashboard calls this (as the caller) whenever it shows a request's card.
-- Only the request's own freelancer counts; the first time is kept and logged.
create or replace function public.record_request_opened(p_request_id uuid) returns boolean
language plpgsql security definer set search_path = '' as $$
declare
  v_freelancer uuid := public.current_freelancer_id();
  v_count integer;
begin
  if v_freelancer is null then
    return false;
  end if;
  insert into public.request_opens (request_id, freelancer_id)
  select r.id, r.freelancer_id from public.client_requests r
   where r.id = p_request_id and r.freelancer_id = v_freelancer
  on conflict (request_id) do nothing;
  get diagnostics v_count = row_count;
  if v_count > 0 then
    perform public.log_activity('freelancer', v_freelancer::text, 'request.opened',
                                'request', p_request_id::text, '{}'::jsonb);
  end if;
  return v_count > 0;
end
$$;
revoke execute on function public.record_request_opened(uuid) from public, anon, authenticated;
grant execute on function public.record_request_opened(uuid) to authenticated, service_role;
comment on function public.record_request_opened(uuid) is
  'callable by authenticated: security definer; records that the caller opened their own request (no-op otherwise)';

-- The one rule of "has the freelancer seen it": they opened its card, or read
-- its notification.
create or replace function public.request_opened(p_request_id uuid) returns boolean
language sql stable set search_path = '' as $$
  select exists (select 1 from public.request_opens o where o.request_id = p_request_id)
      or exists (select 1 from public.notifications n
                  where n.request_id = p_request_id and n.is_read)
$$;
revoke execute on function public.request_opened(uuid) from public, anon, authenticated;
grant execute on function public.request_opened(uuid) to service_role;

-- ---------------------------------------------------------------------------
-- Alerts: unopened for a while, and about to expire
-- ---------------------------------------------------------------------------
create table public.request_alerts (
  id uuid primary key default gen_random_uuid(),
  request_id uuid not null references public.client_requests (id) on delete cascade,
  freelancer_id uuid not null references public.freelancers (id) on delete cascade,
  kind varchar(20) not null check (kind in ('unopened', 'expiry_reminder')),
  status varchar(12) not null default 'due'
    check (status in ('due', 'sent', 'cancelled', 'failed')),
  email_id uuid references public.email_outbox (id) on delete set null,
  last_error text,
  created_at timestamptz not null default now(),
  settled_at timestamptz,
  -- Each alert once.
  unique (request_id, kind)
);
create index request_alerts_due_idx on public.request_alerts (created_at) where status = 'due';

alter table public.request_alerts enable row level security;
revoke all on table public.request_alerts from anon, authenticated, service_role;
grant select, insert, update, delete on table public.request_alerts to service_role;

create trigger request_alerts_wake_workers
  after insert on public.request_alerts referencing new table as fresh
  for each statement execute function public.notify_khadum_work('alerts');

-- The rule: at p_at, the request is still answerable and not opened, and
--   unopened:        it was made at least p_unopened_after ago;
--   expiry_reminder: it will no longer be answerable p_remind_before later.
create or replace function public.request_alert_due(
  request public.client_requests, p_kind text, p_at timestamptz,
  p_unopened_after interval, p_remind_before interval
) returns boolean
language sql stable set search_path = '' as $$
  select public.is_actionable(request, p_at)
     and not public.request_opened(request.id)
     and case p_kind
           when 'unopened' then request.created_at + p_unopened_after <= p_at
           when 'expiry_reminder' then not public.is_actionable(request, p_at + p_remind_before)
           else false
         end
$$;
revoke execute on function
  public.request_alert_due(public.client_requests, text, timestamptz, interval, interval)
  from public, anon, authenticated;
grant execute on function
  public.request_alert_due(public.client_requests, text, timestamptz, interval, interval)
  to service_role;

-- The minute job: records the alerts that became due (each once), logged. The
-- worker renders and queues their emails (claim_request_alerts below).
create or replace function public.queue_request_alerts(
  p_unopened_after interval default interval '30 minutes',
  p_remind_before interval default interval '3 hours',
  p_at timestamptz default now()
) returns integer
language plpgsql security definer set search_path = '' as $$
declare
  v_count integer;
begin
  with due as (
    select r.id, r.freelancer_id, k.kind
      from public.client_requests r
      cross join (values ('unopened'), ('expiry_reminder')) as k (kind)
     where r.status = 'pending'
       and not exists (select 1 from public.request_alerts a
                        where a.request_id = r.id and a.kind = k.kind)
       and public.request_alert_due(r, k.kind, p_at, p_unopened_after, p_remind_before)
  ), added as (
    insert into public.request_alerts (request_id, freelancer_id, kind)
    select id, freelancer_id, kind from due
    on conflict (request_id, kind) do nothing
    returning request_id, kind
  ), logged as (
    insert into public.activity_log (actor_type, action, subject_type, subject_id, details)
    select 'system', 'request.alert_due', 'request', request_id::text,
           jsonb_build_object('kind', kind)
      from added
    returning 1
  )
  select count(*) into v_count from logged;
  return v_count;
end
$$;
revoke execute on function public.queue_request_alerts(interval, interval, timestamptz)
  from public, anon, authenticated;
grant execute on function public.queue_request_alerts(interval, interval, timestamptz)
  to service_role;

-- The worker's claim (in its own transaction, rows locked until it records the
-- email): alerts whose request was opened or answered since are cancelled
-- (logged) and never sent; the rest come back with what the email needs.
create or replace function public.claim_request_alerts(p_limit integer, p_at timestamptz default now())
returns table (alert_id uuid, kind text, request_id uuid, to_email text,
               freelancer_name text, client_name text, service_title text,
               service_description text, created_at timestamptz, expires_at timestamptz)
language plpgsql set search_path = '' as $$
begin
  with stale as (
    update public.request_alerts a
       set status = 'cancelled', settled_at = now()
      from public.client_requests r
     where a.request_id = r.id and a.status = 'due'
       and (not public.is_actionable(r, p_at) or public.request_opened(r.id))
    returning a.request_id, a.kind
  )
  insert into public.activity_log (actor_type, action, subject_type, subject_id, details)
  select 'system', 'request.alert_cancelled', 'request', s.request_id::text,
         jsonb_build_object('kind', s.kind)
    from stale s;
  return query
  select a.id, a.kind::text, r.id, f.email::text, f.display_name::text, r.client_name::text,
         r.service_title::text, r.service_description, r.created_at, r.expires_at
    from public.request_alerts a
    join public.client_requests r on r.id = a.request_id
    join public.freelancers f on f.id = a.freelancer_id
   where a.status = 'due'
   order by a.created_at
   limit p_limit
   for update of a skip locked;
end
$$;
revoke execute on function public.claim_request_alerts(integer, timestamptz)
  from public, anon, authenticated;
grant execute on function public.claim_request_alerts(integer, timestamptz) to service_role;

-- The alert's email, rendered by the worker, queued in the same transaction as
-- the alert is settled (idempotent on the alert: never two emails for one alert).
-- No address: the alert is failed, logged.
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
  if p_email is null or not public.is_email(p_email ->> 'to_email') then
    update public.request_alerts
       set status = 'failed', last_error = 'the freelancer has no email address',
           settled_at = now()
     where id = p_alert_id;
    perform public.log_activity('system', null, 'request.alert_failed', 'request',
                                a.request_id::text, jsonb_build_object('kind', a.kind));
    return 'failed';
  end if;
  insert into public.email_outbox (idempotency_key, to_email, template, params, locale,
                                   subject, html_body, text_body, request_id)
  values ('alert:' || p_alert_id::text, p_email ->> 'to_email', p_email ->> 'template',
          coalesce(p_email -> 'params', '{}'::jsonb), coalesce(p_email ->> 'locale', 'ar'),
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

-- ---------------------------------------------------------------------------
-- Schedule: every minute where pg_cron exists (Supabase), with the defaults
-- above; `khadum worker` (and `khadum dev`) run it otherwise, with the
-- REQUEST_UNOPENED_ALERT_MINUTES / REQUEST_EXPIRY_REMINDER_MINUTES settings.
-- ---------------------------------------------------------------------------
do $outer$
begin
  if not exists (select 1 from pg_extension where extname = 'pg_cron') then
    raise notice 'pg_cron is missing: request alerts are not scheduled (run `khadum worker`)';
    return;
  end if;
  perform cron.schedule('khadum-request-alerts', '* * * * *',
                        'select public.queue_request_alerts()');
  raise notice 'scheduled khadum-request-alerts every minute';
end
$outer$;
