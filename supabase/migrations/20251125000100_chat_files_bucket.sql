-- =============================================================================
-- Chat attachments: the private `chat-files` bucket of Supabase Storage.
-- The chat function uploads with the service key and hands the parties
-- short-lived signed links (khadum/chat/storage.py); nobody lists, reads or
-- writes the bucket through the Storage API with a user's token. Limits match
-- khadum/chat/files.py (20 MB, the sniffed types). On a database without the
-- storage schema (a plain PostgreSQL without the local platform) the bucket is
-- skipped with a notice: files then live in the local file store.
-- =============================================================================

do $$
begin
  if to_regclass('storage.buckets') is null or to_regclass('storage.objects') is null then
    raise notice 'no storage schema here: the chat-files bucket is not created '
      '(chat files use the local file store)';
    return;
  end if;

  insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
  values ('chat-files', 'chat-files', false, 20 * 1024 * 1024, array[
    'image/jpeg', 'image/png', 'image/gif', 'image/webp',
    'application/pdf', 'application/zip',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    'text/plain', 'text/csv'])
  on conflict (id) do nothing;

  -- Security: storage.objects is Supabase's (RLS already on): policies only.
  -- Only the server (service role) touches chat files; the parties get signed
  -- links, which Storage checks by signature, not by these policies. No policy
  -- for anon or authenticated: their requests on this bucket are refused.
  execute $sql$
    create policy "chat files: the server only" on storage.objects
      for all to service_role
      using (bucket_id = 'chat-files')
      with check (bucket_id = 'chat-files')
  $sql$;
end
$$;
