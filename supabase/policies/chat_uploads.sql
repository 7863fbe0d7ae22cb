-- A party checks, before sending a file, that the chat takes it (party, status,
-- rate limit); the function decides the caller from the JWT claims.
grant execute on function public.chat_upload_check(uuid) to authenticated;
