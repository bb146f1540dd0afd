-- Warroom's roles in a shared PostgreSQL (docs/shared.md). Run once per database, as its
-- owner, after Warroom made its schema (the first push, ingest or simulate into it):
--   psql 'postgresql://HOST:PORT/DATABASE?user=OWNER' -f resources/sql/roles.sql
-- then give people a role:  CREATE ROLE alice LOGIN IN ROLE warroom_commander;
-- (passwords: ALTER ROLE alice PASSWORD '…' from psql's \password, never on a command line).

-- viewer: reads every incident, writes nothing.
CREATE ROLE warroom_viewer NOLOGIN;
GRANT USAGE ON SCHEMA warroom TO warroom_viewer;
GRANT SELECT ON ALL TABLES IN SCHEMA warroom TO warroom_viewer;

-- scribe: a viewer who writes post-mortems.
CREATE ROLE warroom_scribe NOLOGIN IN ROLE warroom_viewer;
GRANT INSERT, UPDATE, DELETE ON warroom.postmortems TO warroom_scribe;

-- commander: everything — records incidents (ingest, drills, live sources), pushes, writes
-- layouts and post-mortems, removes incidents.
CREATE ROLE warroom_commander NOLOGIN IN ROLE warroom_scribe;
GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA warroom TO warroom_commander;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA warroom TO warroom_commander;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA warroom TO warroom_commander;

-- trainee: a drill's incidents through the trainees' views only (rule names hidden and the
-- instructor's injections left out until revealed); never the tables that hold them. Writes
-- its own post-mortems (its diagnosis marks).
CREATE ROLE warroom_trainee NOLOGIN;
GRANT USAGE ON SCHEMA warroom TO warroom_trainee;
GRANT SELECT ON warroom.warroom_schema, warroom.incidents, warroom.series, warroom.chunks,
  warroom.layout, warroom.trainee_events, warroom.trainee_meta,
  warroom.trainee_topology_versions, warroom.trainee_postmortems TO warroom_trainee;
GRANT SELECT (incident, id, updated_ms), INSERT, UPDATE ON warroom.postmortems TO warroom_trainee;
