-- =============================================================================
-- Contact rules beyond the chat (issue 15, M4): every text a freelancer sends
-- a client is masked before it is stored or queued (questions, reject
-- reasons), and a freelancer's name or headline (shown in every list and
-- email) cannot carry a phone, an email, a link or a handle.
-- The rule itself is public.mask_contact_details(); this only applies it.
-- =============================================================================

-- ---------------------------------------------------------------------------
-- Profiles: names and headlines stay free of contact details
-- ---------------------------------------------------------------------------
-- What a profile field may not carry: a phone, an email, a link or an @handle.
-- (Naming a platform, "Instagram ads", is a skill, not a contact detail.)
create or replace function public.profile_contact_hits(p_text text) returns text[]
language sql stable set search_path = '' as $$
  select array(
    select distinct h from unnest((select m.hits from public.mask_contact_details(p_text) m)) h
    where h in ('phone', 'email', 'link')
    union
    select 'handle' where coalesce(p_text, '') ~ '@[A-Za-z0-9_.]{3,}')
$$;
revoke execute on function public.profile_contact_hits(text) from public, anon, authenticated;
grant execute on function public.profile_contact_hits(text) to service_role;

-- Rows written before this rule are cleaned once, so lists and emails show no
-- contact details whatever their age.
update public.freelancers f
   set display_name = (select m.masked from public.mask_contact_details(f.display_name) m)
 where cardinality(public.profile_contact_hits(f.display_name)) > 0;
update public.freelancers f
   set display_name_en = (select m.masked from public.mask_contact_details(f.display_name_en) m)
 where cardinality(public.profile_contact_hits(f.display_name_en)) > 0;
update public.freelancers f
   set headline = (select m.masked from public.mask_contact_details(f.headline) m)
 where cardinality(public.profile_contact_hits(f.headline)) > 0;
update public.freelancers f
   set headline_en = (select m.masked from public.mask_contact_details(f.headline_en) m)
 where cardinality(public.profile_contact_hits(f.headline_en)) > 0;

-- security definer: it reads only NEW, and must run whoever writes the row.
create or replace function public.freelancers_refuse_contact_details() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  field text;
  value text;
begin
  foreach field in array array['display_name', 'display_name_en', 'headline', 'headline_en'] loop
    value := to_jsonb(new) ->> field;
    if value is not null and cardinality(public.profile_contact_hits(value)) > 0 then
      raise exception 'contact_details_not_allowed' using errcode = 'KH422',
        detail = format('%s may not contain a phone number, email, link or handle', field);
    end if;
  end loop;
  return new;
end
$$;
revoke execute on function public.freelancers_refuse_contact_details() from public, anon, authenticated;

drop trigger if exists freelancers_refuse_contact_details on public.freelancers;
create trigger freelancers_refuse_contact_details
  before insert or update of display_name, display_name_en, headline, headline_en
  on public.freelancers
  for each row execute function public.freelancers_refuse_contact_details();

-- ---------------------------------------------------------------------------
-- Reject: the reason is masked before it is kept, shown or queued
-- ---------------------------------------------------------------------------
create or replace function public.reject_request(
  p_request_id uuid, p_user_id uuid, p_reason text
) returns jsonb
language plpgsql security definer set search_path = '' as $$
declare
  r public.client_requests;
  f public.freelancers;
  reason text := nullif(btrim(coalesce(p_reason, '')), '');
  hits text[] := '{}';
begin
  if length(reason) > 1000 then
    raise exception 'message_too_long' using errcode = 'KH422';
  end if;
  r := public.lock_request_for_response(p_request_id, p_user_id);
  select * into f from public.freelancers where id = r.freelancer_id;
  if reason is not null then
    select m.masked, m.hits into reason, hits from public.mask_contact_details(reason) m;
  end if;

  update public.client_requests
     set status = 'rejected', responded_at = now(), response_message = reason
   where id = r.id
  returning * into r;

  insert into public.request_events (request_id, event_type, actor, message)
  values (r.id, 'rejected', 'freelancer', reason);

  insert into public.whatsapp_outbox (to_phone, message_key, params, locale, request_id)
  values (r.client_whatsapp_phone, 'request_rejected',
          jsonb_build_object('request_id', r.id, 'freelancer_id', r.freelancer_id,
                             'freelancer_name', f.display_name, 'reason', reason),
          r.client_language, r.id);

  perform public.log_activity('freelancer', r.freelancer_id::text, 'request.rejected',
    'client_request', r.id::text,
    jsonb_build_object('has_reason', reason is not null,
                       'contact_details', to_jsonb(hits)));

  return to_jsonb(r);
end
$$;
