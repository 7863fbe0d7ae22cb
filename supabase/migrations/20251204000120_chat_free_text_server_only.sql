-- =============================================================================
-- Issue 16: the cancel reason and the rating comment are sealed by the chat
-- function (khadum/chat/freetext.py); SQL can check only that the stored value
-- has the ciphertext's shape, not that it opens. Called straight through the
-- Data API (as `authenticated`), chat_cancel and chat_rate stored any value of
-- that shape, which later made the chat's state answer 503 (it cannot be opened)
-- for both parties. They are now like chat_prepare_message/chat_send_message:
-- not on the Data API; the chat function calls them with the server's role and
-- the caller's verified claims still set (chat_guard and chat_side read them),
-- with the value it sealed itself.
-- =============================================================================

revoke execute on function
  public.chat_cancel(uuid, text, text),
  public.chat_rate(uuid, integer, text, text)
from public, anon, authenticated;
grant execute on function
  public.chat_cancel(uuid, text, text),
  public.chat_rate(uuid, integer, text, text)
to service_role;

comment on function public.chat_rate(uuid, integer, text, text) is
  'The client party rates a completed chat, once; the comment arrives sealed by the chat '
  'function (caller''s claims set). Not on the Data API.';
comment on function public.chat_cancel(uuid, text, text) is
  'A party cancels an active chat; the reason arrives sealed by the chat function '
  '(caller''s claims set). Not on the Data API.';
