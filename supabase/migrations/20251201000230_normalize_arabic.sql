-- =============================================================================
-- One Arabic normaliser: public.normalize_arabic() is the source; Python's
-- khadum.analysis.text.normalize() mirrors it for the bot (which folds text
-- without a database round trip) and tests/analysis/test_normalize_parity.py
-- runs both over a table of tricky inputs.
--
-- Brought level with what had drifted: Arabic punctuation (٫ ٬ ، ؛ ؟) folds to
-- its Latin twin, and "space" is one explicit set (Unicode White_Space plus the
-- ASCII separators, Python's str.isspace) rather than the locale's [[:space:]],
-- so a no-break space squeezes the same way in both and on any server locale.
-- Case folds one character at a time (lower()); the search document's words
-- are split on non-alphanumerics, so stored documents need no rebuild.
-- =============================================================================

create or replace function public.normalize_arabic(input text) returns text
language sql immutable parallel safe set search_path = '' as $$
  select btrim(regexp_replace(lower(
    translate(
      regexp_replace(coalesce(input, ''), '[\u064B-\u0652\u0670\u0640]', '', 'g'),
      'أإآٱةىؤئ٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬،؛؟',
      'ااااهيوي01234567890123456789.,,;?'
    )),
    '[\u0009-\u000D\u001C-\u0020\u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+',
    ' ', 'g'), ' ')
$$;

revoke execute on function public.normalize_arabic(text) from public, anon, authenticated;
grant execute on function public.normalize_arabic(text) to authenticated, service_role;
comment on function public.normalize_arabic(text) is
  'callable by authenticated: pure text folding (security invoker), used by dashboard searches';
