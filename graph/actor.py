"""Who acts, where no caller is known: the name a graph-level call records when it is passed no one (tests,
scripts, the seed). Every request through the API passes its verified caller, the token's subject (api/auth.py)."""

ANONYMOUS = "anonymous"
