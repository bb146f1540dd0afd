// The shared schema's versions 2 and 3: what a drill's trainees may read and write, enforced
// by PostgreSQL (docs/shared.md). A role granted only the trainee_* views (resources/sql/
// roles.sql) reads a drill's incident with its rules renamed "hidden-1", "hidden-2", … (in
// order of appearance, as the window's own trainee view names them), their places and
// descriptions gone, and the instructor's injections left out, until the instructor reveals
// them (a drill.reveal annotation); views run with their owner's rights, so the trainee never
// reads the tables. It writes post-mortems through one function, only its own and only of
// drills, and reads back only its own.
#include "shared_schema.h"

namespace warroom::pg {

QStringList traineeViewsMigration()
{
    return {
        QStringLiteral(R"SQL(
CREATE TABLE hidden_rules (
  incident bigint NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  name text NOT NULL, alias text NOT NULL, PRIMARY KEY (incident, name))
)SQL"),
        QStringLiteral("CREATE INDEX events_by_kind ON events (incident, kind)"),
        // Every rule name an incident's topology versions and rule events brought, numbered
        // in order of appearance; called by writers after what may bring new names.
        QStringLiteral(R"SQL(
CREATE FUNCTION note_hidden_rules(inc bigint) RETURNS void LANGUAGE sql AS $$
  INSERT INTO warroom.hidden_rules (incident, name, alias)
  SELECT inc, n.name, 'hidden-' || ((SELECT count(*) FROM warroom.hidden_rules h
                                     WHERE h.incident = inc)
                                    + row_number() OVER (ORDER BY n.first))
  FROM (SELECT a.name, min(a.first) AS first FROM (
          SELECT r.rule->>'id' AS name, v.id::numeric * 1000000 + r.o AS first
          FROM warroom.topology_versions v,
               jsonb_array_elements(convert_from(v.json, 'UTF8')::jsonb -> 'rules')
                 WITH ORDINALITY AS r(rule, o)
          WHERE v.incident = inc
          UNION ALL
          SELECT e.subject, 1e15 + e.id FROM warroom.events e
          WHERE e.incident = inc AND e.kind IN ('rule.added', 'rule.removed', 'rule.corrected')
        ) a WHERE a.name IS NOT NULL AND a.name <> '' GROUP BY a.name) n
  WHERE NOT EXISTS (SELECT 1 FROM warroom.hidden_rules h
                    WHERE h.incident = inc AND h.name = n.name)
$$
)SQL"),
        // Whole names only ("dc3-egress", not inside "dc3-egress-2"), longest first; a
        // rule's place "(file.yaml:210)" and "line" keys go too.
        QStringLiteral(R"SQL(
CREATE FUNCTION hide_text(t text, names text[], aliases text[]) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE i integer;
BEGIN
  IF t IS NULL OR t = '' THEN RETURN t; END IF;
  t := regexp_replace(t, ' ?\([^()[:space:]]+\.(ya?ml|json):[0-9]+\)', '', 'g');
  t := regexp_replace(t, ',"line":-?[0-9]+(?=[,}])', '', 'g');
  t := regexp_replace(t, '"line":-?[0-9]+,', '', 'g');
  t := regexp_replace(t, '\{"line":-?[0-9]+\}', '{}', 'g');
  FOR i IN 1 .. coalesce(array_length(names, 1), 0) LOOP
    t := regexp_replace(t, '(?<![[:alnum:]_.-])' || regexp_replace(names[i], '([^[:alnum:]_])',
                                                                   '\\\1', 'g')
                            || '(?![[:alnum:]_-])', aliases[i], 'g');
  END LOOP;
  RETURN t;
END $$
)SQL"),
        QStringLiteral(R"SQL(
CREATE VIEW trainee_hiding AS
SELECT i.id AS incident,
  (EXISTS (SELECT 1 FROM warroom.meta m
           WHERE m.incident = i.id AND m.key = 'drill_hidden' AND m.value = '1')
   AND NOT EXISTS (SELECT 1 FROM warroom.events r WHERE r.incident = i.id
                   AND r.kind = 'annotation' AND r.subject = 'drill.reveal')) AS hiding,
  ARRAY(SELECT h.name FROM warroom.hidden_rules h WHERE h.incident = i.id
        ORDER BY length(h.name) DESC, h.name) AS names,
  ARRAY(SELECT h.alias FROM warroom.hidden_rules h WHERE h.incident = i.id
        ORDER BY length(h.name) DESC, h.name) AS aliases,
  ARRAY(SELECT f.details::jsonb ->> 'target' FROM warroom.events f
        WHERE f.incident = i.id AND f.kind = 'fault.started'
          AND f.details::jsonb ? 'injected_by'
          AND f.details::jsonb ->> 'change' LIKE 'rule\_%') AS injected
FROM warroom.incidents i
)SQL"),
        QStringLiteral(R"SQL(
CREATE VIEW trainee_events AS
SELECT e.incident, e.id, e.time_ms, e.kind, e.node, e.site,
  CASE WHEN h.hiding THEN warroom.hide_text(e.subject, h.names, h.aliases) ELSE e.subject END
    AS subject,
  CASE WHEN h.hiding THEN warroom.hide_text(e.text, h.names, h.aliases) ELSE e.text END AS text,
  CASE WHEN h.hiding THEN warroom.hide_text(e.details, h.names, h.aliases) ELSE e.details END
    AS details
FROM warroom.events e JOIN warroom.trainee_hiding h ON h.incident = e.incident
WHERE NOT h.hiding OR NOT (
  (e.kind IN ('fault.started', 'fault.ended') AND e.details::jsonb ? 'injected_by')
  OR (e.kind IN ('rule.added', 'rule.removed', 'rule.corrected') AND e.subject = ANY (h.injected)))
)SQL"),
        QStringLiteral(R"SQL(
CREATE VIEW trainee_meta AS
SELECT m.incident, m.key,
  CASE WHEN h.hiding THEN warroom.hide_text(m.value, h.names, h.aliases) ELSE m.value END AS value
FROM warroom.meta m JOIN warroom.trainee_hiding h ON h.incident = m.incident
)SQL"),
        QStringLiteral(R"SQL(
CREATE VIEW trainee_topology_versions AS
SELECT v.incident, v.id, v.time_ms, v.reason,
  CASE WHEN h.hiding THEN convert_to(warroom.hide_text((
      SELECT jsonb_set(j, '{rules}', coalesce((
        SELECT jsonb_agg((r - 'place') || jsonb_build_object('description', ''))
        FROM jsonb_array_elements(j -> 'rules') r), '[]'::jsonb))::text
      FROM (SELECT convert_from(v.json, 'UTF8')::jsonb AS j) x), h.names, h.aliases), 'UTF8')
    ELSE v.json END AS json
FROM warroom.topology_versions v JOIN warroom.trainee_hiding h ON h.incident = v.incident
)SQL"),
        QStringLiteral(R"SQL(
CREATE VIEW trainee_postmortems AS
SELECT p.incident, p.id,
  CASE WHEN h.hiding
    THEN convert_to(warroom.hide_text(convert_from(p.json, 'UTF8'), h.names, h.aliases), 'UTF8')
    ELSE p.json END AS json,
  p.updated_ms
FROM warroom.postmortems p JOIN warroom.trainee_hiding h ON h.incident = p.incident
)SQL"),
        // Incidents shared before this version: their names, once.
        QStringLiteral("SELECT warroom.note_hidden_rules(id) FROM warroom.incidents"),
    };
}

QStringList traineeWritesMigration()
{
    return {
        // The scenario's own text (its comments and rule descriptions tell the story) is not
        // the trainee's to read until revealed.
        QStringLiteral(R"SQL(
CREATE OR REPLACE VIEW trainee_meta AS
SELECT m.incident, m.key,
  CASE WHEN NOT h.hiding THEN m.value
       WHEN m.key IN ('scenario_text', 'base_scenario_text', 'scenario_description', 'what_ifs')
         THEN ''
       ELSE warroom.hide_text(m.value, h.names, h.aliases) END AS value
FROM warroom.meta m JOIN warroom.trainee_hiding h ON h.incident = m.incident
)SQL"),
        // Whose post-mortem a row is: a trainee's (its login role) or the team's (NULL).
        QStringLiteral("ALTER TABLE postmortems ADD COLUMN owner text"),
        // A trainee reads only its own, under the name it gave (stored as "ROLE/NAME", so two
        // trainees' "pm-1" never meet); the instructor's draft would give the answer away.
        QStringLiteral(R"SQL(
CREATE OR REPLACE VIEW trainee_postmortems AS
SELECT p.incident, substr(p.id, length(session_user) + 2) AS id,
  CASE WHEN h.hiding
    THEN convert_to(warroom.hide_text(convert_from(p.json, 'UTF8'), h.names, h.aliases), 'UTF8')
    ELSE p.json END AS json,
  p.updated_ms
FROM warroom.postmortems p JOIN warroom.trainee_hiding h ON h.incident = p.incident
WHERE p.owner = session_user
)SQL"),
        // The one way a trainee writes: its own post-mortem of a drill, compared with what it
        // read (as its view shows it) and set in one step; returns what is stored instead when
        // that changed meanwhile. Runs with the owner's rights, so it is the only door.
        QStringLiteral(R"SQL(
CREATE FUNCTION write_own_postmortem(inc bigint, pm_id text, body bytea, expected bytea,
                                     updated bigint)
RETURNS TABLE (written boolean, stored bytea)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = warroom, pg_temp AS $$
DECLARE
  full_id text := session_user || '/' || pm_id;
  now_body bytea;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM warroom.meta m
                 WHERE m.incident = inc AND m.key = 'drill' AND m.value = '1') THEN
    RAISE EXCEPTION 'a trainee writes post-mortems of drills only'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF pm_id IS NULL OR pm_id = '' OR body IS NULL THEN
    RAISE EXCEPTION 'a post-mortem needs a name and a body' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  PERFORM pg_advisory_xact_lock(inc::integer, hashtext(full_id));
  IF EXISTS (SELECT 1 FROM warroom.postmortems p WHERE p.incident = inc AND p.id = full_id
             AND p.owner IS DISTINCT FROM session_user) THEN
    RAISE EXCEPTION 'post-mortem % is not yours', full_id USING ERRCODE = 'insufficient_privilege';
  END IF;
  SELECT t.json INTO now_body FROM warroom.trainee_postmortems t
  WHERE t.incident = inc AND t.id = pm_id;
  IF coalesce(now_body, ''::bytea) <> coalesce(expected, ''::bytea) THEN
    RETURN QUERY SELECT false, coalesce(now_body, ''::bytea);
    RETURN;
  END IF;
  INSERT INTO warroom.postmortems (incident, id, json, updated_ms, owner)
  VALUES (inc, full_id, body, updated, session_user)
  ON CONFLICT (incident, id) DO UPDATE SET json = EXCLUDED.json, updated_ms = EXCLUDED.updated_ms;
  PERFORM pg_notify('warroom_incident_' || inc, 'postmortems');
  RETURN QUERY SELECT true, NULL::bytea;
END $$
)SQL"),
        QStringLiteral("REVOKE EXECUTE ON FUNCTION write_own_postmortem(bigint, text, bytea, "
                       "bytea, bigint) FROM PUBLIC"),
    };
}

} // namespace warroom::pg
