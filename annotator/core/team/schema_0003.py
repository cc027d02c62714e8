"""Migration ``0003_label_tree``: labels form a tree (issue 22), and the team shares it.

``parent`` is the name of the label a label sits under (NULL at the top), ``codable`` false for a category that
only holds codes. ``parent`` is plain text, not a foreign key: one push writes a parent and its children in any
order, and a rename reaches children as their own updated rows (the lead's project renames them by cascade and
pushes them).
"""

SCRIPT = """
ALTER TABLE annotator.labels ADD COLUMN parent text;
ALTER TABLE annotator.labels ADD COLUMN codable boolean NOT NULL DEFAULT true;
"""
