-- =============================================================================
-- The shape checks of sealed values, same answers at a fraction of the cost
-- (issue 9: the webhook's ack path; every sealed write runs them).
--
-- Every sealed column has a CHECK calling public.is_ciphertext (and the blind
-- indexes public.is_blind_index), so each webhook INSERT runs them four times.
-- PostgreSQL's regex engine expands a bounded repetition into one state per
-- count: `{1,32}` and `{64}` made these two functions cost 10-25 µs per call
-- (the four checks of a whatsapp_inbound row ~60 µs of its ~270 µs backend CPU).
-- The same rule written with unbounded classes and a length test costs 1-3 µs:
--
--   is_ciphertext: ^ev1\.[A-Za-z0-9_-]{1,32}\.[A-Za-z0-9_-]+$
--     = ^ev1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$ and the key id (the text between
--       the first and second dot after `ev1`, which the classes make unique:
--       they hold no dot) at most 32 characters long;
--   is_blind_index: ^[0-9a-f]{64}$
--     = ^[0-9a-f]+$ and 64 characters long.
--
-- Same signatures, volatility, grants and NULL behaviour (NULL in, NULL out);
-- tests/db/test_sealed_shape.py compares both with the former patterns over
-- edge cases (32/33-character key ids, 63/65 hex digits, dots, newlines,
-- upper case, non-ASCII, empty parts, NULL).
-- =============================================================================

create or replace function public.is_ciphertext(p_value text) returns boolean
language sql immutable parallel safe set search_path = '' as $$
  select p_value ~ '^ev1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$'
     and pg_catalog.length(pg_catalog.split_part(p_value, '.', 2)) <= 32
$$;
revoke execute on function public.is_ciphertext(text) from public, anon, authenticated;
grant execute on function public.is_ciphertext(text) to service_role;

create or replace function public.is_blind_index(text) returns boolean
language sql immutable parallel safe set search_path = '' as $$
  select $1 ~ '^[0-9a-f]+$' and pg_catalog.length($1) = 64
$$;
revoke execute on function public.is_blind_index(text) from public, anon, authenticated;
grant execute on function public.is_blind_index(text) to service_role;
