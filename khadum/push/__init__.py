"""Web Push to the freelancers' browsers (VAPID, pywebpush) and the alerts about
requests left unopened or about to expire."""
