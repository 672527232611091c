"""Words for glued prose: turning computed lists into the phrases a sentence needs.

Chapters glue computed results into their text; when a result is a *list* (the dimensions judged
weak, the townships left out), the sentence needs it as words. Kept here, not in a notebook cell,
so that every chapter words lists the same way and the rule is tested. Counts get the same
treatment: :func:`plural` puts a glued count with its noun in the right number ("one township",
"no households", never "township(s)"), and :func:`count_words` spells small counts as words.
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


#: Number words for small counts (style guides spell out zero to nine in running text).
_SMALL = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def _check_count(n: object, name: str = "n") -> int:
    """A count must be a non-negative integer (numpy integers and integral floats accepted)."""
    if isinstance(n, bool):
        raise ValueError(f"{name}: expected a non-negative integer count, got {n!r}")
    try:
        value = int(n)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise ValueError(f"{name}: expected a non-negative integer count, got {n!r}") from None
    if value != n or value < 0:
        raise ValueError(f"{name}: expected a non-negative integer count, got {n!r}")
    return value


def count_words(n: int, *, zero: str = "no") -> str:
    """A count as a reader expects it: a word up to nine, digits (with thousands commas) above.

    The count is still computed and glued, never typed: this only decides how the glued value is
    spelled (the usual style-guide rule spells out zero to nine in running text).

    Parameters
    ----------
    n : int
        A non-negative count.
    zero : str, default "no"
        The word for zero ("no", "none", "zero").

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If ``n`` is not a non-negative integer.

    Examples
    --------
    >>> count_words(0), count_words(3), count_words(25), count_words(1250)
    ('no', 'three', '25', '1,250')
    >>> count_words(0, zero="none")
    'none'
    """
    value = _check_count(n)
    if value == 0:
        return zero
    return _SMALL[value] if value < len(_SMALL) else f"{value:,}"


def plural(n: int, noun: str, plural_form: str | None = None, *, zero: str = "no") -> str:
    """A count with its noun in the right number: ``one township``, ``25 townships``, ``no townships``.

    Replaces the "township(s)" style of glued prose. The count is spelled by :func:`count_words`.

    Parameters
    ----------
    n : int
        A non-negative count.
    noun : str
        The singular noun ("township", "household").
    plural_form : str, optional
        The plural when it is not ``noun + "s"`` ("matrices" for "matrix").
    zero : str, default "no"
        The word for zero (see :func:`count_words`).

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If ``n`` is not a non-negative integer or ``noun`` is empty.

    Examples
    --------
    >>> plural(1, "township"), plural(8, "household"), plural(0, "dimension")
    ('one township', 'eight households', 'no dimensions')
    >>> plural(2, "matrix", "matrices"), plural(12, "county", "counties")
    ('two matrices', '12 counties')
    """
    value = _check_count(n)
    if not isinstance(noun, str) or not noun.strip():
        raise ValueError(f"noun: expected a non-empty word, got {noun!r}")
    word = noun if value == 1 else (plural_form if plural_form is not None else noun + "s")
    return f"{count_words(value, zero=zero)} {word}"
