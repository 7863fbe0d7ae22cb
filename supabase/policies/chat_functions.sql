-- Chat state changes the parties may call (each checks the caller itself).
grant execute on function
  public.chat_side(uuid),
  public.chat_mark_read(uuid),
  public.chat_unread_count(uuid),
  public.chat_mark_delivered(uuid),
  public.chat_confirm_completion(uuid),
  public.chat_rate(uuid, integer, text),
  public.chat_cancel(uuid, text)
to authenticated;

grant execute on function
  public.chat_ack_received(uuid),
  public.chat_summary(uuid)
to authenticated;
