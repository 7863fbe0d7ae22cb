-- chat_ratings: the chat's two parties read its rating; it is written by
-- chat_rate() only.
alter table public.chat_ratings enable row level security;
grant select on public.chat_ratings to authenticated;

drop policy if exists "chat parties read the rating" on public.chat_ratings;
create policy "chat parties read the rating" on public.chat_ratings
  for select to authenticated
  using (chat_id = (select public.current_chat_session_id())
         or freelancer_id = (select public.current_freelancer_id()));
