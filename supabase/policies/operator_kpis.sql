-- Staff read the KPIs through these functions (each checks public.require_staff()).
grant execute on function
  public.is_staff(),
  public.require_staff(),
  public.kpi_summary(date, date),
  public.kpi_funnel(date, date),
  public.kpi_series(date, date, text),
  public.kpi_freelancers(date, date)
to authenticated;

-- The review queues (each checks public.require_staff()).
grant execute on function
  public.staff_activity(text, text, uuid, uuid, date, date, integer, integer),
  public.staff_masked_messages(integer, integer),
  public.staff_dead_letters(integer, integer),
  public.staff_retry_dead_letter(uuid),
  public.staff_failed_emails(integer, integer),
  public.staff_resend_email(uuid),
  public.staff_unopened_expiring(interval, integer, integer)
to authenticated;

grant execute on function public.effective_status_of(text, timestamptz) to authenticated;
