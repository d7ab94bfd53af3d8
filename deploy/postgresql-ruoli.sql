-- cruscotto on PostgreSQL: the application's role does not own the tables (docs/security.md).
--
-- Run as the role that owns the database and runs the migrations (here: the one that runs
-- this script), once, after the first `manage.py migrate`. The application then connects
-- as cruscotto_app (create it first: CREATE ROLE cruscotto_app LOGIN PASSWORD '...').
-- cruscotto_app reads and writes every table, except the audit trail, which it can only
-- read and add to: no UPDATE, DELETE or TRUNCATE, and, not being its owner, it cannot
-- disable its triggers, alter it or drop it.

GRANT USAGE ON SCHEMA public TO cruscotto_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO cruscotto_app;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO cruscotto_app;
-- Tables and sequences that later migrations create (run by the owner) get the same rights.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO cruscotto_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO cruscotto_app;
-- The audit trail: read and append only.
REVOKE UPDATE, DELETE, TRUNCATE ON performance_registro FROM cruscotto_app;
