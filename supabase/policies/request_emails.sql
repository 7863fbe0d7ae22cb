-- A freelancer sees the delivery state of their requests' emails (the function
-- checks ownership); the email outbox itself stays service-only.
grant execute on function public.request_emails(uuid) to authenticated;
