-- service_categories: reference data every signed-in user may read.
alter table public.service_categories enable row level security;
grant select on public.service_categories to authenticated;

drop policy if exists "signed-in users read categories" on public.service_categories;
create policy "signed-in users read categories" on public.service_categories
  for select to authenticated using (true);
