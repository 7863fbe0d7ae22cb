-- =============================================================================
-- Webhook dead letters, and a chat-link limiter that keeps one counter per
-- client address and window instead of one row per guess.
-- =============================================================================

-- ---------------------------------------------------------------------------
-- Dead letters: a signed webhook item (a WhatsApp message, status, contact, an
-- entry or change; a Resend event) that cannot be used is kept here with its
-- reason, and the rest of its batch goes on. `raw` is the item as JSON with
-- every non-ASCII character escaped (so a NUL or a lone surrogate is stored
-- as text), cut to 64 KB.
-- ---------------------------------------------------------------------------
create table public.webhook_dead_letters (
  id bigint generated always as identity primary key,
  source varchar(20) not null check (source in ('whatsapp', 'resend')),
  kind varchar(20) not null,
  reason varchar(200) not null,
  external_id varchar(255),
  raw text not null check (length(raw) <= 65536),
  received_at timestamptz not null default now()
);
create index webhook_dead_letters_received_idx
  on public.webhook_dead_letters (source, received_at desc);

alter table public.webhook_dead_letters enable row level security;
revoke all on public.webhook_dead_letters from anon, authenticated, service_role;
grant select, insert, delete on public.webhook_dead_letters to service_role;
grant usage on sequence public.webhook_dead_letters_id_seq to service_role;
-- No policy: only the server (the table's owner) and the service key read it.

-- ---------------------------------------------------------------------------
-- Chat-link guesses: one counter per client address and ten-minute window.
-- Only malformed or unknown tokens count; a valid link never touches this.
-- ---------------------------------------------------------------------------
create table public.chat_link_failure_windows (
  source varchar(120) not null,
  window_start timestamptz not null,
  failures integer not null default 0 check (failures >= 0),
  primary key (source, window_start)
);

alter table public.chat_link_failure_windows enable row level security;
revoke all on public.chat_link_failure_windows from anon, authenticated, service_role;
grant select on public.chat_link_failure_windows to service_role;

create or replace function public.chat_link_window(p_at timestamptz default now())
returns timestamptz
language sql immutable set search_path = '' as $$
  select to_timestamp(floor(extract(epoch from p_at) / 600) * 600)
$$;

-- Failures of this address in the current window.
create or replace function public.chat_link_failures(p_source text)
returns integer
language sql stable security definer set search_path = '' as $$
  select coalesce((select w.failures from public.chat_link_failure_windows w
                   where w.source = left(p_source, 120)
                     and w.window_start = public.chat_link_window()), 0)
$$;

-- Counts one failed lookup (one upsert, no row per guess); returns the count.
create or replace function public.record_chat_link_failure(p_source text)
returns integer
language plpgsql security definer set search_path = '' as $$
declare
  counted integer;
begin
  insert into public.chat_link_failure_windows as w (source, window_start, failures)
  values (left(p_source, 120), public.chat_link_window(), 1)
  on conflict (source, window_start) do update set failures = w.failures + 1
  returning w.failures into counted;
  delete from public.chat_link_failure_windows
   where window_start < public.chat_link_window() - interval '1 day';
  return counted;
end
$$;

revoke execute on function public.chat_link_window(timestamptz) from public, anon, authenticated;
revoke execute on function public.chat_link_failures(text) from public, anon, authenticated;
revoke execute on function public.record_chat_link_failure(text) from public, anon, authenticated;
grant execute on function public.chat_link_window(timestamptz) to service_role;
grant execute on function public.chat_link_failures(text) to service_role;
grant execute on function public.record_chat_link_failure(text) to service_role;

-- ---------------------------------------------------------------------------
-- Before a chat upload is read or stored: the caller is a party, the chat is
-- active and the sender is under the message rate limits (the same limits the
-- chat_messages_moderate trigger applies when the message row is written).
-- Returns the caller's side.
-- ---------------------------------------------------------------------------
create or replace function public.chat_upload_check(p_chat_id uuid)
returns text
language plpgsql stable security definer set search_path = '' as $$
declare
  side text := public.chat_side(p_chat_id);
  chat_status text;
  lim record;
  recent integer;
begin
  select c.status::text into chat_status from public.private_chats c where c.id = p_chat_id;
  if not found then
    raise exception 'chat_not_found' using errcode = 'KH404';
  end if;
  if side is null then
    raise exception 'not_a_party' using errcode = 'KH403';
  end if;
  if chat_status is distinct from 'active' then
    raise exception 'chat_not_active' using errcode = 'KH409';
  end if;
  for lim in select * from public.chat_rate_limits loop
    select count(*) into recent from public.chat_messages m
     where m.chat_id = p_chat_id and m.sender_type = side
       and m.created_at > now() - make_interval(secs => lim.window_seconds);
    if recent >= lim.max_messages then
      raise exception 'rate_limited' using errcode = 'KH429',
        detail = format('%s messages per %s seconds', lim.max_messages, lim.window_seconds);
    end if;
  end loop;
  return side;
end
$$;
revoke execute on function public.chat_upload_check(uuid) from public, anon, authenticated;
grant execute on function public.chat_upload_check(uuid) to authenticated, service_role;
comment on function public.chat_upload_check(uuid) is
  'callable by authenticated: a party''s check before sending a file; refuses non-parties (KH403), closed chats (KH409) and floods (KH429)';
