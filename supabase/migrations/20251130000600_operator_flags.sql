-- =============================================================================
-- Operator console: chat messages flagged as suspicious but not certain (a number
-- sent in pieces, loose digits, "contact me on…"; chat_message_flags, written by
-- the masking pipeline) are reviewed by staff: listed with their message, then
-- dismissed or confirmed. Staff only; every decision is logged.
-- =============================================================================

create or replace function public.staff_flagged_messages(
  p_limit integer default 50, p_offset integer default 0
) returns jsonb
language plpgsql stable security definer set search_path = '' as $$
declare
  result jsonb;
begin
  perform public.require_staff();
  perform public.staff_page_bounds(p_limit, p_offset);
  select jsonb_build_object(
    'total', (select count(*) from public.chat_message_flags f where f.status = 'open'),
    'items', coalesce((
      select jsonb_agg(jsonb_build_object(
               'id', f.id, 'chat_id', f.chat_id, 'message_id', f.message_id,
               'sender_type', f.sender_type, 'reason', f.reason, 'details', f.details,
               'created_at', f.created_at,
               'message_content', (select m.message_content from public.chat_messages m
                                    where m.id = f.message_id))
             order by f.created_at desc)
        from (select * from public.chat_message_flags x where x.status = 'open'
               order by x.created_at desc limit p_limit offset p_offset) f), '[]'::jsonb))
  into result;
  return result;
end
$$;
revoke execute on function public.staff_flagged_messages(integer, integer)
  from public, anon, authenticated;
grant execute on function public.staff_flagged_messages(integer, integer)
  to authenticated, service_role;
comment on function public.staff_flagged_messages(integer, integer) is
  'callable by authenticated: staff only (require_staff first): flagged messages for review';

create or replace function public.staff_review_flag(p_id bigint, p_status text) returns jsonb
language plpgsql security definer set search_path = '' as $$
declare
  flag public.chat_message_flags;
begin
  perform public.require_staff();
  if p_status not in ('dismissed', 'confirmed') then
    raise exception 'invalid_flag_status' using errcode = 'KH422';
  end if;
  select * into flag from public.chat_message_flags where id = p_id for update;
  if not found then
    raise exception 'flag_not_found' using errcode = 'KH404';
  end if;
  if flag.status <> 'open' then
    raise exception 'flag_already_reviewed' using errcode = 'KH409';
  end if;
  update public.chat_message_flags set status = p_status, reviewed_at = now() where id = p_id;
  perform public.log_activity('operator', public.staff_actor_id(), 'staff.flag_' || p_status,
    'chat', flag.chat_id::text, jsonb_build_object('flag_id', p_id, 'reason', flag.reason));
  return jsonb_build_object('id', p_id, 'status', p_status);
end
$$;
revoke execute on function public.staff_review_flag(bigint, text) from public, anon, authenticated;
grant execute on function public.staff_review_flag(bigint, text) to authenticated, service_role;
comment on function public.staff_review_flag(bigint, text) is
  'callable by authenticated: staff only (require_staff first): dismiss or confirm a flag, logged';
