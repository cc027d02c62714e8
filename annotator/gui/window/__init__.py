"""The main window and the small objects it owns: which pane shows what, the spans on screen, what decorates them.

See ``docs/architecture.md`` for how these fit together.
"""
