"""Who acts: the name kept with each step of a warning's or a recall's history."""

ANONYMOUS = "anonymous"  # a request that names nobody (no X-Actor header), and a caller that passes no one


def actor(name: str | None) -> str:
    """The actor a request names, or ANONYMOUS."""
    return (name or "").strip() or ANONYMOUS
