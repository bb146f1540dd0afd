-- Warroom's roles in a shared PostgreSQL (docs/shared.md). Run once per database, as its
-- owner, after Warroom made its schema (the first push, ingest or simulate into it); roles
-- belong to the whole server, so a second database finds them made and only grants:
--   psql 'postgresql://HOST:PORT/DATABASE?user=OWNER' -f resources/sql/roles.sql
-- then give people a role:  CREATE ROLE alice LOGIN IN ROLE warroom_commander;
-- (passwords: psql's \password alice, never on a command line).

DO $$ BEGIN
  -- viewer: reads every incident, writes nothing.
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'warroom_viewer') THEN
    CREATE ROLE warroom_viewer NOLOGIN;
  END IF;
  -- scribe: a viewer who writes post-mortems.
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'warroom_scribe') THEN
    CREATE ROLE warroom_scribe NOLOGIN IN ROLE warroom_viewer;
  END IF;
  -- commander: everything — records incidents (ingest, drills, live sources), pushes, writes
  -- layouts and post-mortems, removes incidents.
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'warroom_commander') THEN
    CREATE ROLE warroom_commander NOLOGIN IN ROLE warroom_scribe;
  END IF;
  -- trainee: a drill's incidents through the trainees' views only (rule names hidden and the
  -- instructor's injections left out until revealed); never the tables that hold them.
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'warroom_trainee') THEN
    CREATE ROLE warroom_trainee NOLOGIN;
  END IF;
END $$;

GRANT USAGE ON SCHEMA warroom TO warroom_viewer;
GRANT SELECT ON ALL TABLES IN SCHEMA warroom TO warroom_viewer;

GRANT INSERT, UPDATE, DELETE ON warroom.postmortems TO warroom_scribe;

GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA warroom TO warroom_commander;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA warroom TO warroom_commander;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA warroom TO warroom_commander;

-- Trainees read through the views, and write their own post-mortems of drills through one
-- function (stored as "ROLE/NAME"; they read back only their own).
GRANT USAGE ON SCHEMA warroom TO warroom_trainee;
GRANT EXECUTE ON FUNCTION warroom.write_own_postmortem(bigint, text, bytea, bytea, bigint)
  TO warroom_trainee;
GRANT SELECT ON warroom.warroom_schema, warroom.incidents, warroom.series, warroom.chunks,
  warroom.layout, warroom.trainee_events, warroom.trainee_meta,
  warroom.trainee_topology_versions, warroom.trainee_postmortems TO warroom_trainee;
