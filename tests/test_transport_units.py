"""Transport details the behaviour tests do not reach (issue 16: mutants of client/transport.py that survived)."""
