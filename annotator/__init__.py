"""annotator: a desktop tool for annotating several reports of the same event side by side."""

__version__ = "0.1.0"
