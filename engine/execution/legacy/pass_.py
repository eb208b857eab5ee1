"""pass and succeed: their ``$local`` is empty (succeed's ending the list is the dataflow's)."""


def run(ex, f, act):
    return {}


def resume(ex, f, act, value):  # never blocks
    raise AssertionError("pass does not wait")
