-- PostgreSQL for an office that shares one ledger: the app signs in as a role that may add to the audit
-- log but never empty it, alter it or switch its triggers off (only the owner can, and the owner's
-- password is not on the web server). Run as a superuser; replace the passwords.
--
--   1. CREATE ROLE duban_owner LOGIN PASSWORD 'owner-secret';
--      CREATE ROLE duban_app LOGIN PASSWORD 'app-secret';
--      CREATE DATABASE duban OWNER duban_owner;
--   2. Create the tables once as the owner (and again after each upgrade of duban):
--      DUBAN_DATABASE_URL=postgresql://duban_owner:owner-secret@HOST/duban duban summary
--   3. Connected to the database `duban`, grant the app what it needs (the statements below):
--      psql -d duban -f docs/postgresql-roles.sql
--   4. Serve as the app:  DUBAN_DATABASE_URL=postgresql://duban_app:app-secret@HOST/duban make serve
--
-- tests/test_audit.py runs these statements (with its own schema and role names) and checks that the
-- app role can write and cannot TRUNCATE, DELETE from, UPDATE or ALTER the audit log.

GRANT USAGE ON SCHEMA public TO duban_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO duban_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO duban_app;
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM duban_app;
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON alembic_version FROM duban_app;
