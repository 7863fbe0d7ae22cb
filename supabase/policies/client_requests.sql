-- client_requests: read-only to the freelancer it was sent to and to the
-- client chat session of its chat. State changes go through the functions.
alter table public.client_requests enable row level security;
grant select on public.client_requests to authenticated;

drop policy if exists "freelancers read requests sent to them" on public.client_requests;
create policy "freelancers read requests sent to them" on public.client_requests
  for select to authenticated
  using (freelancer_id = (select public.current_freelancer_id()));

drop policy if exists "chat clients read their request" on public.client_requests;
create policy "chat clients read their request" on public.client_requests
  for select to authenticated
  using (id = (select public.current_chat_session_request_id()));
