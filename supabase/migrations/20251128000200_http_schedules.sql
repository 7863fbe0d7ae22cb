-- =============================================================================
-- For hosts with no long-running process (no `khadum worker`): pg_cron calls
-- the functions' drain and sweep endpoints through pg_net, every 10 seconds
-- (pg_cron >= 1.5; every minute on older ones). The functions' address and the
-- service key are read from Supabase Vault at each call, never stored in the
-- job text:
--   select vault.create_secret('https://<functions host>/functions/v1', 'khadum_functions_url');
--   select vault.create_secret('<service role key>', 'khadum_service_role_key');
-- Only where pg_cron, pg_net and vault all exist (Supabase); elsewhere a notice.
-- =============================================================================

do $outer$
declare
  v_every text := '10 seconds';
  v_call constant text := $call$
    select net.http_post(
      url := (select decrypted_secret from vault.decrypted_secrets
              where name = 'khadum_functions_url') || '%s',
      headers := jsonb_build_object(
        'Content-Type', 'application/json',
        'Authorization', 'Bearer ' || (select decrypted_secret from vault.decrypted_secrets
                                       where name = 'khadum_service_role_key')),
      body := '{}'::jsonb,
      timeout_milliseconds := 30000)
    where exists (select 1 from vault.decrypted_secrets where name = 'khadum_functions_url')
  $call$;
begin
  if not exists (select 1 from pg_extension where extname = 'pg_cron')
     or not exists (select 1 from pg_extension where extname = 'pg_net')
     or not exists (select 1 from pg_namespace where nspname = 'vault') then
    raise notice 'pg_cron, pg_net or vault is missing: no HTTP schedules (run `khadum worker`)';
    return;
  end if;
  begin
    perform cron.schedule('khadum-whatsapp-sweep', v_every,
                          format(v_call, '/whatsapp_webhook/sweep'));
  exception when others then
    -- pg_cron before 1.5 has no second schedules: every minute instead.
    v_every := '* * * * *';
    perform cron.schedule('khadum-whatsapp-sweep', v_every,
                          format(v_call, '/whatsapp_webhook/sweep'));
  end;
  perform cron.schedule('khadum-send-emails', v_every, format(v_call, '/send_emails'));
  raise notice 'scheduled the WhatsApp sweep and the email drain (%)', v_every;
end
$outer$;
