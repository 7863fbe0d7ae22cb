-- =============================================================================
-- The delivery state of a request's emails, for the freelancer it was sent to
-- (the dashboard's request card). The outbox itself stays service-only.
-- =============================================================================

create or replace function public.request_emails(p_request_id uuid)
returns table (template text, recipient text, status text, attempts integer,
               last_error text, sent_at timestamptz, delivered_at timestamptz)
language sql stable security definer set search_path = '' as $$
  select e.template::text,
         case e.template when 'freelancer_new_client' then 'freelancer' else 'client' end,
         e.status::text, e.attempts,
         case when e.status in ('failed', 'bounced', 'complained') then e.last_error end,
         e.sent_at, e.delivered_at
  from public.email_outbox e
  join public.client_requests r on r.id = e.request_id
  where e.request_id = p_request_id
    and r.freelancer_id = public.current_freelancer_id()
  order by e.created_at, e.template
$$;

-- A freelancer sees the delivery state of their requests' emails (the function
-- checks ownership); the email outbox itself stays service-only.
revoke execute on function public.request_emails(uuid) from public, anon, authenticated;
grant execute on function public.request_emails(uuid) to authenticated, service_role;
comment on function public.request_emails(uuid) is
  'callable by authenticated: the dashboard''s request card; answers only for the caller''s own requests';
