"""Client requests: the freelancer's answers (accept, reject, ask for details)."""
