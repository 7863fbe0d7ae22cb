-- Staff read the KPIs through these functions (each checks public.require_staff()).
grant execute on function
  public.is_staff(),
  public.require_staff(),
  public.kpi_summary(date, date),
  public.kpi_funnel(date, date),
  public.kpi_series(date, date, text),
  public.kpi_freelancers(date, date)
to authenticated;
