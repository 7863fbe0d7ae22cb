-- =============================================================================
-- Deny by default. Supabase grants the API roles everything on public objects;
-- take it all back here, then each file grants exactly what its table needs.
-- Applied on every `khadum db migrate`, after the migrations.
-- =============================================================================

revoke all on all tables in schema public from anon, authenticated;
revoke all on all sequences in schema public from anon, authenticated;
revoke execute on all functions in schema public from public, anon, authenticated;
grant all on all tables in schema public to service_role;
grant all on all sequences in schema public to service_role;
grant execute on all functions in schema public to service_role;

-- RLS on for every table in the exposed schema; tables without a policy below
-- (bot conversations, WhatsApp in/out, email outbox, activity log…) stay
-- service-only.
do $$
declare
  t record;
begin
  for t in select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
           where n.nspname = 'public' and c.relkind in ('r', 'p') loop
    execute format('alter table public.%I enable row level security', t.relname);
  end loop;
end
$$;

-- Predicates the policies call (and the computed fields readers may use).
grant execute on function
  public.current_freelancer_id(),
  public.current_chat_session_id(),
  public.is_chat_party(uuid),
  public.current_chat_session_request_id(),
  public.can_use_topic(text),
  public.effective_status(public.client_requests),
  public.is_actionable(public.client_requests),
  public.normalize_arabic(text)
to authenticated;
