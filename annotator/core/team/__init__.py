"""The team server: a PostgreSQL database that a team's local projects share (issue 21, docs/team.md).

The only package of annotator that speaks PostgreSQL (psycopg 3; an import-linter contract holds it):

- :mod:`.connect` opens a connection under annotator's rules (TLS off the loopback, credentials from libpq);
- :mod:`.schema` creates annotator's schema, its group roles and row-level-security policies (numbered
  migrations, :func:`~.schema.init_team`) and checks a database's schema before any other command uses it;
- :mod:`.members` adds and removes members and switches blind coding (all through the server, which checks
  that the caller is a lead);
- :mod:`.changes` is the pull rule: rows in the server's commit order, never by wall clock;
- :mod:`.sync` joins a project to the server and syncs it (push the member's own rows, pull colleagues');
- :mod:`.watch` keeps a project synced live (LISTEN/NOTIFY, or polling where the engine has none);
- :mod:`.roster` reads the members, who is online and their counts (``team status --server``, the Team dock).

The local side (the outbox, applying a pull) is :mod:`annotator.core.store.team`: only the store speaks SQLite.
"""
