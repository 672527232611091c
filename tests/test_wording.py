"""utils.wording: lists as prose (the rule is the ordinary English serial list without Oxford comma)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from utils.wording import join_words


def test_join_words_by_hand():
    assert join_words([]) == "none"
    assert join_words([], empty="no dimension") == "no dimension"
    assert join_words(["a"]) == "“a”"
    assert join_words(["a", "b"]) == "“a” and “b”"
    assert join_words(["a", "b", "c"]) == "“a”, “b” and “c”"
    assert join_words(["x and y", "z"]) == "“x and y” and “z”"
    assert join_words([1, 2, 3], quote=False) == "1, 2 and 3"


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(alphabet="abcdefgh ", min_size=1, max_size=8), min_size=2, max_size=6))
def test_join_words_keeps_every_item_in_order(items):
    text = join_words(items)
    positions = []
    start = 0
    for item in items:
        pos = text.index(f"“{item}”", start)
        positions.append(pos)
        start = pos + len(item) + 2
    assert positions == sorted(positions)
    assert text.count(" and ") >= 1


# --------------------------------------------------------------------------------------------
# Counts: plural and count_words (the book's style rule: words for zero to nine, digits with
# thousands commas from 10 up; never "township(s)")
# --------------------------------------------------------------------------------------------
import pytest  # noqa: E402

from utils.wording import count_words, plural  # noqa: E402


def test_count_words_by_hand():
    assert [count_words(k) for k in range(11)] == [
        "no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "10",
    ]  # fmt: skip
    assert count_words(1250) == "1,250"
    assert count_words(0, zero="none") == "none"


def test_plural_by_hand():
    assert plural(1, "township") == "one township"
    assert plural(0, "household") == "no households"
    assert plural(0, "household", zero="zero") == "zero households"
    assert plural(2, "matrix", "matrices") == "two matrices"
    assert plural(1, "matrix", "matrices") == "one matrix"
    assert plural(25, "township") == "25 townships"


@pytest.mark.parametrize("bad", [-1, 1.5, "3", None, True])
def test_counts_reject_non_counts(bad):
    with pytest.raises(ValueError, match="n: expected a non-negative integer count"):
        count_words(bad)
    with pytest.raises(ValueError, match="n: expected a non-negative integer count"):
        plural(bad, "township")


def test_plural_rejects_empty_noun():
    with pytest.raises(ValueError, match="noun: expected a non-empty word"):
        plural(2, " ")


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=0, max_value=10**7), st.sampled_from(["township", "household"]))
def test_plural_never_writes_an_ambiguous_plural(n, noun):
    text = plural(n, noun)
    assert "(s)" not in text
    assert text.endswith(noun if n == 1 else noun + "s")
    head = text.rsplit(" ", 1)[0]
    # digits only from 10 up, and the digits read back as the count
    if n >= 10:
        assert int(head.replace(",", "")) == n
    else:
        assert not any(ch.isdigit() for ch in head)
