"""What the window's menus and docks do, one area per module.

Each controller is built from the project session, the panes' state
(:class:`~annotator.gui.window.pane_state.PaneState`) and the status line
(:class:`~annotator.gui.window.status.Status`), plus what it alone needs; none
holds the main window. A controller that changes what the panes paint says so
through a signal or an overlay, and the window repaints.
"""
