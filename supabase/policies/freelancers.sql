-- freelancers: a freelancer reads and edits a few fields of their own profile.
-- Nobody else reads profiles directly (contact details stay on the platform);
-- the functions serve the public parts (name, headline, rating).
alter table public.freelancers enable row level security;
grant select on public.freelancers to authenticated;
grant update (display_name, display_name_en, headline, headline_en, bio, bio_en, availability)
  on public.freelancers to authenticated;

drop policy if exists "freelancers read their own profile" on public.freelancers;
create policy "freelancers read their own profile" on public.freelancers
  for select to authenticated
  using (user_id = (select auth.uid()));

drop policy if exists "freelancers update their own profile" on public.freelancers;
create policy "freelancers update their own profile" on public.freelancers
  for update to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));
