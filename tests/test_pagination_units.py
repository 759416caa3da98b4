"""Pagination details the behaviour tests do not reach (issue 16: mutants of client/pagination.py that survived)."""
