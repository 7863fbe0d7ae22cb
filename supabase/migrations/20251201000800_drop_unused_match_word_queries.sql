-- Dead code: match_freelancers (20251201000500_matching_exact_topk.sql) no longer
-- asks match_word_queries(); nothing else does.
drop function if exists public.match_word_queries(text);
