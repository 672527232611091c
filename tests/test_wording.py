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
