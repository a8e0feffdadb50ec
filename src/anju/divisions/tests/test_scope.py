"""Scope by code range: the range filter must agree with `startswith` for every code."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anju.divisions.scope import covers, prefix_upper_bound

codes = st.text("0123456789", min_size=1, max_size=12)


@pytest.mark.parametrize("prefix, upper", [
    ("22", "23"), ("220581", "220582"), ("2209", "221"), ("6599", "66"), ("99", None),
    ("220581100999", "220581101"),
])
def test_upper_bound_of_a_prefix(prefix, upper):
    assert prefix_upper_bound(prefix) == upper


@given(codes, codes)
def test_code_range_holds_exactly_the_codes_under_the_prefix(prefix, code):
    upper = prefix_upper_bound(prefix)
    in_range = code >= prefix and (upper is None or code < upper)
    assert in_range == covers(prefix, code)
