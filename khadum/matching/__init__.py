"""Ranking freelancers for a request (the ranking itself is SQL: match_freelancers)."""
