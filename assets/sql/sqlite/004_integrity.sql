-- 004_integrity.sql - schema 4: records that hold up before a licensing sub-committee.
-- Applied by server/sq_core.c inside one transaction, which then sets user_version = 4.
-- Each block below is about one subject and stands on its own.

-- ---- incidents: ownership and parts ----
-- A report belongs to the venue whose kiosk saved it first (incidents.venue_id); saves
-- from any other venue's kiosk are refused at ingest and never reach these tables.
-- Every save of a report is kept as a part, in the order the server received them,
-- so a report saved "finish later" and completed afterwards keeps both sets of answers
-- after the raw events are purged. sealed is NULL when the save carried no details.
-- Parts are deleted with their incident's sealed details (retention incident_details).
CREATE TABLE incident_parts (
    id          INTEGER PRIMARY KEY,   -- order of receipt
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    kiosk_id    INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    recorded_at INTEGER NOT NULL,      -- the kiosk's claim
    received_at INTEGER NOT NULL,      -- the server's clock
    complete    INTEGER NOT NULL CHECK (complete IN (0, 1)),
    sealed      TEXT
);
-- Opening one report reads its parts in order through this index.
CREATE INDEX incident_parts_by_incident ON incident_parts (incident_id, id);

-- The saves still held as raw events, in the order they arrived, each under the report
-- of its own venue (a save another venue's kiosk sent is not a part of that report).
INSERT INTO incident_parts (incident_id, kiosk_id, seq, recorded_at, received_at, complete,
                            sealed)
SELECT i.id, e.kiosk_id, e.seq,
       CAST(strftime('%s', json_extract(e.body, '$.recorded_at')) AS INTEGER),
       e.received_at,
       CASE WHEN json_extract(e.body, '$.complete') THEN 1 ELSE 0 END,
       nullif(json_extract(e.body, '$.sealed'), '')
FROM events e
JOIN incidents i ON i.report_id = json_extract(e.body, '$.report_id') AND i.venue_id = e.venue_id
WHERE e.type = 4
ORDER BY e.id;

-- Saves another venue's kiosk made to a report before this schema were applied as the
-- report's latest save; the raw events still held show which. Each is written to the
-- audit log, as a refused save is now, so the report can be checked against its parts.
INSERT INTO audit_log (at, actor, action, object, detail)
SELECT CAST(strftime('%s', 'now') AS INTEGER), 'system', 'incident.conflict', i.report_id,
       'kiosk ' || e.kiosk_id || ' (venue ' || e.venue_id || ') sent seq ' || e.seq ||
       ' changing this incident of venue ' || i.venue_id || ' before such saves were refused ' ||
       '(schema 4): its summary may show that save; its parts do not'
FROM events e
JOIN incidents i ON i.report_id = json_extract(e.body, '$.report_id') AND i.venue_id <> e.venue_id
WHERE e.type = 4
ORDER BY e.id;
