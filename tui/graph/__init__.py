"""Pictures of a flow and of a run: ``flowdbg graph``.

:mod:`.model` turns the engine's model into a plain graph (states, scopes,
edges); :mod:`.mermaid`, :mod:`.dot` and :mod:`.text` write it out, and
:mod:`.svg` draws the TUI graph's own layout (``graph_layout.layout_flow``)
as vector shapes. A run (:class:`flowdbg.tui.run_overlay.RunOverlay`) is
drawn on any of them. Nothing here imports Textual except :mod:`.theme`,
which reads the colours of Textual's default theme.
"""
