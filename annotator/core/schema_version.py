"""The project schema's version and the names of its migrations, without the migrations themselves.

``annotator check`` and ``backup`` compare a file's version with these at start; importing them from here
keeps sqlite-utils out of those commands' start (annotator/core/migrations.py defines the steps;
tests/core/test_migrations.py checks that both agree).
"""

#: The name under which the migrations are recorded in a project's ``_sqlite_migrations`` table.
MIGRATION_SET = "annotator"
#: ``PRAGMA user_version`` of a project at the newest schema.
SCHEMA_VERSION = 13
#: Every migration this annotator knows (a project with another one was written by a newer annotator).
KNOWN_MIGRATIONS = frozenset({
    "0001_initial", "0002_review", "0003_links_suggestions", "0004_search", "0005_view_indexes",
    "0007_languages", "0008_team", "0009_label_tree", "0010_memos", "0011_attributes", "0012_team_attributes",
    "0013_model",
})
