"""Amounts and counts as offices print them in tables, notices and archives: 40,000.00 元 and
12,441 户. Django's own zh_Hans format has no thousands separator, so `floatformat:"2g"`
would print 40000.00; every other format comes from it."""

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
