-- =============================================================================
-- Message catalogue for text the database writes itself (notifications).
-- Arabic first, English beside it; placeholders are {name}.
-- =============================================================================

create table public.message_catalogue (
  key varchar(80) not null,
  locale varchar(5) not null check (locale in ('ar', 'en')),
  title text not null,
  body text not null,
  primary key (key, locale)
);

-- Security: server-side only; the database renders from it.
alter table public.message_catalogue enable row level security;
revoke all on table public.message_catalogue from anon, authenticated, service_role;
grant select, insert, update, delete on table public.message_catalogue to service_role;

insert into public.message_catalogue (key, locale, title, body) values
  ('notification.client_request', 'ar', '🔔 طلب جديد من عميل',
   '👤 {client_name}: {service_description} — 💰 {budget_range}'),
  ('notification.client_request', 'en', '🔔 New request from a client',
   '👤 {client_name}: {service_description} — 💰 {budget_range}'),
  ('notification.request_expired', 'ar', '⏰ انتهت صلاحية طلب',
   'انتهت مهلة الـ 24 ساعة لطلب {client_name} دون رد، وتم إبلاغ العميل.'),
  ('notification.request_expired', 'en', '⏰ A request expired',
   'The 24 hours to answer {client_name}''s request have passed; the client has been told.');

-- Renders a catalogue entry; unknown placeholders stay visible rather than vanish.
create or replace function public.render_message(p_key text, p_locale text, p_params jsonb)
returns table (title text, body text)
language plpgsql stable set search_path = '' as $$
declare
  entry record;
  param record;
begin
  select c.title, c.body into entry
  from public.message_catalogue c
  where c.key = p_key and c.locale in (p_locale, 'ar')
  order by (c.locale = p_locale) desc
  limit 1;
  if not found then
    raise exception 'no catalogue entry for %', p_key using errcode = 'P0002';
  end if;
  title := entry.title;
  body := entry.body;
  for param in select * from jsonb_each_text(coalesce(p_params, '{}'::jsonb)) loop
    title := replace(title, '{' || param.key || '}', coalesce(param.value, ''));
    body := replace(body, '{' || param.key || '}', coalesce(param.value, ''));
  end loop;
  return next;
end
$$;

revoke execute on function public.render_message(text, text, jsonb) from public, anon, authenticated;
grant execute on function public.render_message(text, text, jsonb) to service_role;
