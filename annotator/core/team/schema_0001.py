"""The first server schema (migration ``0001_schema``): never edited once shipped; changes are new migrations.

``{member}`` and ``{lead}`` are the project's group roles (see :func:`annotator.core.team.schema.role_names`);
the lead role is a member of the member role, so a lead can do all a member can. Every table is owned by the role
that ran ``annotator team init`` (not forced under row-level security: that role administers the server and
should not annotate); members never own a table.

Every synced table has ``owner name NOT NULL DEFAULT current_user``, ``deleted boolean`` (a tombstone: DELETE is
granted to nobody) and the change position ``(xid, seq)`` that :func:`annotator.schema.stamp` writes on every
INSERT and UPDATE: ``xid`` is the writing transaction's id (``pg_current_xact_id()``), the only value the pull
rule of :mod:`annotator.core.team.changes` relies on; ``seq`` orders the rows of one transaction.
"""

#: Settings, the change stamp and the synced tables' common columns.
BASE = """
CREATE TABLE annotator.settings (key text PRIMARY KEY, value text NOT NULL);
CREATE SEQUENCE annotator.change_seq;
CREATE FUNCTION annotator.stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.xid := pg_current_xact_id();
    NEW.seq := nextval('annotator.change_seq');
    IF TG_OP = 'UPDATE' THEN
        NEW.owner := OLD.owner;  -- a row's owner never changes
    END IF;
    RETURN NEW;
END $$;
"""

#: Leads' tables: the documents (content-addressed), the label scheme and blind coding.
LEAD_TABLES = """
CREATE TABLE annotator.documents (
    id text PRIMARY KEY CHECK (id LIKE 'sha256:%'),
    title text NOT NULL,
    source text NOT NULL DEFAULT '',
    published text,
    url text,
    language text NOT NULL DEFAULT '',
    text text NOT NULL,
    position integer NOT NULL DEFAULT 0,
    owner name NOT NULL DEFAULT current_user,
    deleted boolean NOT NULL DEFAULT false,
    xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    seq bigint NOT NULL DEFAULT 0
);
CREATE TABLE annotator.labels (
    id uuid PRIMARY KEY,
    name text NOT NULL UNIQUE,
    color text NOT NULL,
    shortcut text NOT NULL DEFAULT '',
    description text NOT NULL DEFAULT '',
    position integer NOT NULL DEFAULT 0,
    owner name NOT NULL DEFAULT current_user,
    deleted boolean NOT NULL DEFAULT false,
    xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    seq bigint NOT NULL DEFAULT 0
);
-- document '' is the whole project; a document's own row overrides it
CREATE TABLE annotator.blind (
    document text PRIMARY KEY,
    blind boolean NOT NULL,
    owner name NOT NULL DEFAULT current_user,
    deleted boolean NOT NULL DEFAULT false,
    xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    seq bigint NOT NULL DEFAULT 0
);
"""

#: Members' own rows: annotations, links, review decisions, documents marked done, and when each was last seen.
OWN_TABLES = """
CREATE TABLE annotator.annotations (
    id uuid PRIMARY KEY,
    document text NOT NULL REFERENCES annotator.documents(id),
    label text NOT NULL REFERENCES annotator.labels(name) ON UPDATE CASCADE,
    start integer NOT NULL,
    "end" integer NOT NULL,
    quote text NOT NULL,
    note text NOT NULL DEFAULT '',
    origin text NOT NULL DEFAULT '',
    created text NOT NULL,
    modified text NOT NULL,
    owner name NOT NULL DEFAULT current_user,
    deleted boolean NOT NULL DEFAULT false,
    xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    seq bigint NOT NULL DEFAULT 0,
    CHECK (start >= 0 AND "end" > start)
);
CREATE INDEX annotations_document ON annotator.annotations(document);
CREATE TABLE annotator.links (
    id uuid PRIMARY KEY,
    document text NOT NULL REFERENCES annotator.documents(id),
    type text NOT NULL,
    source uuid NOT NULL REFERENCES annotator.annotations(id),
    target uuid NOT NULL REFERENCES annotator.annotations(id),
    note text NOT NULL DEFAULT '',
    created text NOT NULL,
    owner name NOT NULL DEFAULT current_user,
    deleted boolean NOT NULL DEFAULT false,
    xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    seq bigint NOT NULL DEFAULT 0
);
CREATE TABLE annotator.reviews (
    id uuid PRIMARY KEY,
    annotation uuid NOT NULL REFERENCES annotator.annotations(id),
    document text NOT NULL REFERENCES annotator.documents(id),
    status text NOT NULL CHECK (status IN ('accepted', 'rejected')),
    note text NOT NULL DEFAULT '',
    at text NOT NULL,
    owner name NOT NULL DEFAULT current_user,
    deleted boolean NOT NULL DEFAULT false,
    xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    seq bigint NOT NULL DEFAULT 0
);
CREATE TABLE annotator.done (
    id uuid PRIMARY KEY,
    document text NOT NULL REFERENCES annotator.documents(id),
    owner name NOT NULL DEFAULT current_user,
    deleted boolean NOT NULL DEFAULT false,
    xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    seq bigint NOT NULL DEFAULT 0,
    UNIQUE (owner, document)
);
CREATE TABLE annotator.seen (
    owner name PRIMARY KEY DEFAULT current_user,
    at timestamptz NOT NULL DEFAULT now()
);
"""

#: The people of the project as ``annotator team add/remove`` left them, and the members view.
PEOPLE = """
CREATE TABLE annotator.people (
    name name PRIMARY KEY,
    lead boolean NOT NULL,
    added timestamptz NOT NULL DEFAULT now(),
    removed timestamptz
);
CREATE VIEW annotator.members AS
    SELECT p.name, p.lead, p.removed IS NULL AS active, s.at AS last_seen
    FROM annotator.people p LEFT JOIN annotator.seen s ON s.owner = p.name;
"""

#: Blind coding: may the current user see colleagues' rows on ``doc``?
VISIBLE = """
CREATE FUNCTION annotator.visible(doc text) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT NOT coalesce(
            (SELECT b.blind FROM annotator.blind b WHERE b.document = doc AND NOT b.deleted),
            (SELECT b.blind FROM annotator.blind b WHERE b.document = '' AND NOT b.deleted),
            false)
        OR EXISTS (SELECT 1 FROM annotator.done d
                   WHERE d.document = doc AND d.owner = current_user AND NOT d.deleted)
$$;
"""

#: Adding and removing members: run as the schema's owner (who may create roles), callable by leads only.
MEMBER_FUNCTIONS = """
CREATE FUNCTION annotator.add_member(who name, password text, as_lead boolean) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    member_role name := (SELECT value FROM annotator.settings WHERE key = 'member_role');
    lead_role name := (SELECT value FROM annotator.settings WHERE key = 'lead_role');
    outcome text := 'added';
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = who) THEN
        IF NOT EXISTS (SELECT 1 FROM annotator.people WHERE name = who) THEN
            RAISE EXCEPTION 'a role named % already exists on this server and is not one of this project''s '
                            'members; choose another name', who USING ERRCODE = 'duplicate_object';
        END IF;
        outcome := CASE WHEN (SELECT removed IS NULL FROM annotator.people WHERE name = who)
                        THEN 'updated' ELSE 'restored' END;
        EXECUTE format('ALTER ROLE %I LOGIN', who);
        IF password IS NOT NULL THEN
            EXECUTE format('ALTER ROLE %I PASSWORD %L', who, password);
        END IF;
    ELSE
        EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L', who, password);
    END IF;
    EXECUTE format('GRANT %I TO %I', member_role, who);
    IF as_lead THEN
        EXECUTE format('GRANT %I TO %I', lead_role, who);
    ELSE
        EXECUTE format('REVOKE %I FROM %I', lead_role, who);
    END IF;
    INSERT INTO annotator.people (name, lead) VALUES (who, as_lead)
        ON CONFLICT (name) DO UPDATE SET lead = EXCLUDED.lead, removed = NULL;
    RETURN outcome;
END $$;
CREATE FUNCTION annotator.remove_member(who name) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    member_role name := (SELECT value FROM annotator.settings WHERE key = 'member_role');
    lead_role name := (SELECT value FROM annotator.settings WHERE key = 'lead_role');
BEGIN
    IF NOT EXISTS (SELECT 1 FROM annotator.people WHERE name = who AND removed IS NULL) THEN
        RAISE EXCEPTION '% is not a member of this project', who USING ERRCODE = 'undefined_object';
    END IF;
    EXECUTE format('ALTER ROLE %I NOLOGIN', who);
    EXECUTE format('REVOKE %I FROM %I', lead_role, who);
    EXECUTE format('REVOKE %I FROM %I', member_role, who);
    UPDATE annotator.people SET removed = now() WHERE name = who;
    RETURN 'removed';
END $$;
REVOKE ALL ON FUNCTION annotator.add_member(name, text, boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION annotator.remove_member(name) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION annotator.add_member(name, text, boolean) TO {lead};
GRANT EXECUTE ON FUNCTION annotator.remove_member(name) TO {lead};
"""

#: Row-level security: who may read and write which rows (docs/team.md has the table).
POLICIES = """
CREATE TRIGGER stamp BEFORE INSERT OR UPDATE ON annotator.documents FOR EACH ROW EXECUTE FUNCTION annotator.stamp();
CREATE TRIGGER stamp BEFORE INSERT OR UPDATE ON annotator.labels FOR EACH ROW EXECUTE FUNCTION annotator.stamp();
CREATE TRIGGER stamp BEFORE INSERT OR UPDATE ON annotator.blind FOR EACH ROW EXECUTE FUNCTION annotator.stamp();
CREATE TRIGGER stamp BEFORE INSERT OR UPDATE ON annotator.annotations FOR EACH ROW EXECUTE FUNCTION annotator.stamp();
CREATE TRIGGER stamp BEFORE INSERT OR UPDATE ON annotator.links FOR EACH ROW EXECUTE FUNCTION annotator.stamp();
CREATE TRIGGER stamp BEFORE INSERT OR UPDATE ON annotator.reviews FOR EACH ROW EXECUTE FUNCTION annotator.stamp();
CREATE TRIGGER stamp BEFORE INSERT OR UPDATE ON annotator.done FOR EACH ROW EXECUTE FUNCTION annotator.stamp();

GRANT USAGE ON SCHEMA annotator TO {member};
GRANT USAGE ON SEQUENCE annotator.change_seq TO {member};
GRANT SELECT ON ALL TABLES IN SCHEMA annotator TO {member};
GRANT INSERT, UPDATE ON annotator.annotations, annotator.links, annotator.reviews, annotator.done,
    annotator.seen TO {member};
GRANT INSERT, UPDATE ON annotator.documents, annotator.labels, annotator.blind TO {lead};

ALTER TABLE annotator.documents ENABLE ROW LEVEL SECURITY;
ALTER TABLE annotator.labels ENABLE ROW LEVEL SECURITY;
ALTER TABLE annotator.blind ENABLE ROW LEVEL SECURITY;
CREATE POLICY everyone_reads ON annotator.documents FOR SELECT TO {member} USING (true);
CREATE POLICY leads_add ON annotator.documents FOR INSERT TO {lead} WITH CHECK (owner = current_user);
CREATE POLICY leads_change ON annotator.documents FOR UPDATE TO {lead} USING (true) WITH CHECK (true);
CREATE POLICY everyone_reads ON annotator.labels FOR SELECT TO {member} USING (true);
CREATE POLICY leads_add ON annotator.labels FOR INSERT TO {lead} WITH CHECK (owner = current_user);
CREATE POLICY leads_change ON annotator.labels FOR UPDATE TO {lead} USING (true) WITH CHECK (true);
CREATE POLICY everyone_reads ON annotator.blind FOR SELECT TO {member} USING (true);
CREATE POLICY leads_add ON annotator.blind FOR INSERT TO {lead} WITH CHECK (owner = current_user);
CREATE POLICY leads_change ON annotator.blind FOR UPDATE TO {lead} USING (true) WITH CHECK (true);

ALTER TABLE annotator.annotations ENABLE ROW LEVEL SECURITY;
ALTER TABLE annotator.links ENABLE ROW LEVEL SECURITY;
ALTER TABLE annotator.reviews ENABLE ROW LEVEL SECURITY;
ALTER TABLE annotator.done ENABLE ROW LEVEL SECURITY;
ALTER TABLE annotator.seen ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_or_visible ON annotator.annotations FOR SELECT TO {member}
    USING (owner = current_user OR annotator.visible(document));
CREATE POLICY own_or_visible ON annotator.links FOR SELECT TO {member}
    USING (owner = current_user OR annotator.visible(document));
CREATE POLICY own_or_visible ON annotator.reviews FOR SELECT TO {member}
    USING (owner = current_user OR annotator.visible(document));
CREATE POLICY everyone_reads ON annotator.done FOR SELECT TO {member} USING (true);
CREATE POLICY everyone_reads ON annotator.seen FOR SELECT TO {member} USING (true);
CREATE POLICY own_add ON annotator.annotations FOR INSERT TO {member} WITH CHECK (owner = current_user);
CREATE POLICY own_add ON annotator.links FOR INSERT TO {member} WITH CHECK (owner = current_user);
CREATE POLICY own_add ON annotator.reviews FOR INSERT TO {member} WITH CHECK (owner = current_user);
CREATE POLICY own_add ON annotator.done FOR INSERT TO {member} WITH CHECK (owner = current_user);
CREATE POLICY own_add ON annotator.seen FOR INSERT TO {member} WITH CHECK (owner = current_user);
CREATE POLICY own_change ON annotator.annotations FOR UPDATE TO {member}
    USING (owner = current_user) WITH CHECK (owner = current_user);
CREATE POLICY own_change ON annotator.links FOR UPDATE TO {member}
    USING (owner = current_user) WITH CHECK (owner = current_user);
CREATE POLICY own_change ON annotator.reviews FOR UPDATE TO {member}
    USING (owner = current_user) WITH CHECK (owner = current_user);
CREATE POLICY own_change ON annotator.done FOR UPDATE TO {member}
    USING (owner = current_user) WITH CHECK (owner = current_user);
CREATE POLICY own_change ON annotator.seen FOR UPDATE TO {member}
    USING (owner = current_user) WITH CHECK (owner = current_user);
"""

SCRIPT = BASE + LEAD_TABLES + OWN_TABLES + PEOPLE + VISIBLE + MEMBER_FUNCTIONS + POLICIES
