"""Migration ``0002_notify``: every commit that writes synced rows notifies channel ``annotator``.

``annotator sync --watch`` and the window LISTEN on it and pull at once, so that a colleague's tag appears within
a second of their commit. A notification is sent when the writing transaction commits, never before, and carries
only the table's name (the rows themselves are read by the pull, under the row-level rules). Engines that speak
the PostgreSQL protocol without LISTEN/NOTIFY get polling instead (:mod:`annotator.core.team.watch`).
"""

#: The synced tables whose writes are notified.
NOTIFIED = ("documents", "labels", "blind", "annotations", "links", "reviews", "done")

SCRIPT = """
CREATE FUNCTION annotator.notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('annotator', TG_TABLE_NAME);
    RETURN NULL;
END $$;
""" + "".join(f"""CREATE TRIGGER notify AFTER INSERT OR UPDATE ON annotator.{table}
    FOR EACH STATEMENT EXECUTE FUNCTION annotator.notify();
""" for table in NOTIFIED) + """CREATE INDEX annotations_xid ON annotator.annotations (xid, seq);
CREATE INDEX links_xid ON annotator.links (xid, seq);
CREATE INDEX reviews_xid ON annotator.reviews (xid, seq);
"""
