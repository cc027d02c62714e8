"""Qt-free core of annotator: the data model, the store, text handling and exchange formats.

Nothing under ``annotator.core`` may import Qt; ``tests/core/test_no_qt.py`` enforces it.
"""
