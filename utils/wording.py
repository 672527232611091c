"""Words for glued prose: turning computed lists into the phrases a sentence needs.

Chapters glue computed results into their text; when a result is a *list* (the dimensions judged
weak, the townships left out), the sentence needs it as words. Kept here, not in a notebook cell,
so that every chapter words lists the same way and the rule is tested.
"""

from __future__ import annotations

from collections.abc import Iterable


def join_words(items: Iterable[object], *, quote: bool = True, empty: str = "none") -> str:
    """Join items as English prose: ``a``, ``a and b``, ``a, b and c``; ``empty`` for none.

    With ``quote=True`` (default) every item is put in curly double quotes, so that labels that
    themselves contain "and" (e.g. "living conditions and outcomes") stay readable.

    Parameters
    ----------
    items : iterable
        The things to list, in order (converted with ``str``).
    quote : bool, default True
        Quote each item with “ and ”.
    empty : str, default "none"
        What to return for an empty list.

    Returns
    -------
    str
    """
    words = [f"“{i}”" if quote else str(i) for i in items]
    if not words:
        return empty
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " and " + words[-1]
