-- 010_volunteer_base_leader.sql - schema 10: a volunteer shift's base (where the team works:
-- safe_haven, bus, partner_venue, patrol) and leader (self, other) in columns of their own.
-- Applied by server/store/sqlite/sq_migrate.c inside one transaction, which then sets
-- user_version = 10.

ALTER TABLE volunteer_shifts ADD COLUMN base   TEXT NOT NULL DEFAULT '';
ALTER TABLE volunteer_shifts ADD COLUMN leader TEXT NOT NULL DEFAULT '';

-- Kiosks before the wire's own `base` and `leader` fields packed both into `team` as
-- "base:<code>;leader:<code>". Those shifts get the two columns and no team name (the
-- kiosk never asked for one); ingest splits such a `team` the same way (sq_derive.c).
UPDATE volunteer_shifts
   SET base   = substr(team, 6, instr(team, ';leader:') - 6),
       leader = substr(team, instr(team, ';leader:') + 8),
       team   = ''
 WHERE team LIKE 'base:%;leader:%' AND instr(team, ';leader:') > 6;
