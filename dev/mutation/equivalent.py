"""Surviving mutants judged equivalent: no behaviour a caller or a test could observe changes.

Key: "module|operator|original line|mutated line" (as in the report); value: why it is equivalent.
A survivor not listed here is reported as "NOT EXPLAINED: needs a test".
"""

EQUIVALENT = {
}
