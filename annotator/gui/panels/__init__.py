"""Panes and docks of the main window."""
