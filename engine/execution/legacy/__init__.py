"""The legacy format's steps on the interpreter: one small module per step type (``table.py``, joined
to the FDL v1 table in ``../states``), and the legacy dataflow (``dataflow.py``).

A handler's result is the step's own ``$local``; the dataflow makes its output from it and
merges that into the list's ``$local`` (docs/semantics.md, "Legacy format").
"""
