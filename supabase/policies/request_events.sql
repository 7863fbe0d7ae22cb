-- request_events: the request thread, readable by the request's freelancer.
alter table public.request_events enable row level security;
grant select on public.request_events to authenticated;

drop policy if exists "freelancers read their requests' threads" on public.request_events;
create policy "freelancers read their requests' threads" on public.request_events
  for select to authenticated
  using (request_id in (
    select r.id from public.client_requests r
    where r.freelancer_id = (select public.current_freelancer_id())));
