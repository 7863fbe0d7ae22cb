-- notifications: a freelancer reads their own and may mark them read.
alter table public.notifications enable row level security;
grant select on public.notifications to authenticated;
grant update (is_read, read_at) on public.notifications to authenticated;

drop policy if exists "freelancers read their notifications" on public.notifications;
create policy "freelancers read their notifications" on public.notifications
  for select to authenticated
  using (freelancer_id = (select public.current_freelancer_id()));

drop policy if exists "freelancers mark their notifications read" on public.notifications;
create policy "freelancers mark their notifications read" on public.notifications
  for update to authenticated
  using (freelancer_id = (select public.current_freelancer_id()))
  with check (freelancer_id = (select public.current_freelancer_id()));
