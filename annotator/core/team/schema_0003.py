"""Migration ``0003_codes``: labels form a tree, declare attributes and carry memos, documents carry memos, spans
carry attributes (issue 22); the team shares them.

``parent`` is the name of the label a label sits under (NULL at the top), ``codable`` false for a category that
only holds codes. ``parent`` is plain text, not a foreign key: one push writes a parent and its children in any
order, and a rename reaches children as their own updated rows (the lead's project renames them by cascade and
pushes them). ``memo`` on documents and labels: a lead's running notes on them (the project memo stays local).
``attributes``: on an annotation its values (``{"certainty": "reported"}``), on a label its declarations
(``[{"name": …, "type": "flag"|"choice"|"text", "choices": […]}]``).
"""

SCRIPT = """
ALTER TABLE annotator.labels ADD COLUMN parent text;
ALTER TABLE annotator.labels ADD COLUMN codable boolean NOT NULL DEFAULT true;
ALTER TABLE annotator.labels ADD COLUMN memo text NOT NULL DEFAULT '';
ALTER TABLE annotator.documents ADD COLUMN memo text NOT NULL DEFAULT '';
ALTER TABLE annotator.labels ADD COLUMN attributes jsonb NOT NULL DEFAULT '[]';
ALTER TABLE annotator.annotations ADD COLUMN attributes jsonb NOT NULL DEFAULT '{{}}';  -- braces doubled: the script is a psycopg sql.SQL template
"""
