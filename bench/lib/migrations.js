'use strict';
// Generates a realistic migration history over the base schema of ./databases.js: new tables with
// foreign keys and CHECKs, indexes, triggers, views, ADD COLUMN, one safe table rebuild and data
// backfills. Deterministic: the same count and workload always give the same files (and checksums).
const fs = require('fs');
const path = require('path');
const { sha256 } = require('./util');

const NOW = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')";

/**
 * workload 'mixed': some migrations touch the bulk tables (indexes on tasks/events, backfills, the
 * milestones rebuild, aggregates). 'schema': the same shape of history without touching bulk rows.
 */
function migrationSpecs(count, workload) {
  const mixed = workload === 'mixed';
  const at = (fraction) => Math.max(2, Math.round(count * fraction));
  const specials = new Map();
  const put = (fraction, fn) => {
    let i = at(fraction);
    while (specials.has(i)) i++;
    specials.set(i, fn);
  };
  put(0.15, () => (mixed ? bigIndex('tasks', 'status_priority', 'status, priority_score DESC') : featureIndexOnly()));
  put(0.2, () => searchTitle(mixed));
  put(0.35, () => projectStats(mixed));
  put(0.45, () => (mixed ? bigIndex('tasks', 'milestone', 'milestone_id') : bigIndex('projects', 'owner', 'owner')));
  put(0.5, () => (mixed ? rebuildMilestones() : rebuildFeature(1)));
  if (count < 20) throw new Error('at least 20 migrations are needed for the history to have its shape');
  put(0.55, () => milestoneCounts(mixed));
  put(0.6, () => taskTriggers());
  put(0.65, () => (mixed ? statusFix() : addTaskColumn('resolution', 'TEXT')));
  put(0.7, () => (mixed ? bigIndex('events', 'kind_at', 'kind, at') : bigIndex('projects', 'created', 'created_at')));
  put(0.8, () => eventCounts(mixed));
  const specs = [];
  let feature = 0;
  for (let i = 1; i <= count; i++) {
    if (i === 1 || (i % 10 === 1 && !specials.has(i))) {
      feature++;
      specs.push(createFeature(feature));
      continue;
    }
    const special = specials.get(i);
    specs.push(special ? special() : regular(i, Math.max(1, feature), mixed));
  }
  return specs;
}

function regular(i, f, mixed) {
  switch (i % 10) {
    case 2: return { slug: `seed_feature_${f}_${i}`, up: `INSERT INTO feature_${f} (project_id, name, score)\nSELECT id, 'seed ' || id, id % 100 FROM projects;`, down: `DELETE FROM feature_${f} WHERE name LIKE 'seed %';` };
    case 3: return { slug: `add_note_${i}_to_feature_${f}`, up: `ALTER TABLE feature_${f} ADD COLUMN note_${i} TEXT;`, down: `ALTER TABLE feature_${f} DROP COLUMN note_${i};` };
    case 4: return { slug: `index_feature_${f}_status_score_${i}`, up: `CREATE INDEX idx_feature_${f}_status_score_${i} ON feature_${f}(status, score DESC);`, down: `DROP INDEX idx_feature_${f}_status_score_${i};` };
    case 5: return featureTrigger(f, i);
    case 6: return { slug: `view_active_feature_${f}_${i}`, up: `CREATE VIEW v_active_feature_${f}_${i} AS\nSELECT f.id, f.name, f.score, p.name AS project\nFROM feature_${f} AS f JOIN projects AS p ON p.id = f.project_id\nWHERE f.status = 'active';`, down: `DROP VIEW v_active_feature_${f}_${i};` };
    case 7: return { slug: `rescore_feature_${f}_${i}`, up: `-- Data fix: scores were stored on a 0..1000 scale by an old client.\nUPDATE feature_${f} SET score = (score * 7) % 101 WHERE status = 'active';`, down: `-- Not reversible: the old scores are not kept.\nSELECT 1;` };
    case 8: return { slug: `add_project_attr_${i}`, up: `ALTER TABLE projects ADD COLUMN attr_${i} TEXT;`, down: `ALTER TABLE projects DROP COLUMN attr_${i};` };
    case 9: return lookupTable(i);
    default: return mixed ? taskBackfill(i) : addTaskColumn(`flag_${i}`, 'INTEGER NOT NULL DEFAULT 0');
  }
}

function createFeature(f) {
  const up = `CREATE TABLE feature_${f} (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
    score INTEGER NOT NULL DEFAULT 0 CHECK (score BETWEEN 0 AND 100),
    created_at TEXT NOT NULL DEFAULT (${NOW}),
    updated_at TEXT NOT NULL DEFAULT (${NOW})
);
CREATE INDEX idx_feature_${f}_project ON feature_${f}(project_id);`;
  return { slug: `create_feature_${f}`, up, down: `DROP TABLE feature_${f};` };
}

function featureTrigger(f, i) {
  const up = `CREATE TRIGGER trg_feature_${f}_updated_${i}
AFTER UPDATE OF name, status, score ON feature_${f}
FOR EACH ROW WHEN NEW.updated_at = OLD.updated_at
BEGIN
    UPDATE feature_${f} SET updated_at = ${NOW} WHERE id = NEW.id;
END;`;
  return { slug: `trigger_feature_${f}_updated_${i}`, up, down: `DROP TRIGGER trg_feature_${f}_updated_${i};` };
}

function lookupTable(i) {
  const up = `CREATE TABLE lookup_${i} (code TEXT PRIMARY KEY, label TEXT NOT NULL) WITHOUT ROWID;
INSERT INTO lookup_${i} (code, label) VALUES ('low', 'Low'), ('medium', 'Medium'), ('high', 'High');`;
  return { slug: `create_lookup_${i}`, up, down: `DROP TABLE lookup_${i};` };
}

/** A recent slice (1/20) of the tasks, as a real backfill of a new column would do it. */
function taskBackfill(i) {
  const slice = Math.floor(i / 10) % 20;
  const up = `ALTER TABLE tasks ADD COLUMN flag_${i} INTEGER NOT NULL DEFAULT 0;
UPDATE tasks SET flag_${i} = (priority_score % 7 = 0)
WHERE id > (SELECT max(id) FROM tasks) * ${slice} / 20 AND id <= (SELECT max(id) FROM tasks) * ${slice + 1} / 20;`;
  return { slug: `backfill_task_flag_${i}`, up, down: `ALTER TABLE tasks DROP COLUMN flag_${i};` };
}

function addTaskColumn(name, type) {
  return { slug: `add_task_${name}`, up: `ALTER TABLE tasks ADD COLUMN ${name} ${type};`, down: `ALTER TABLE tasks DROP COLUMN ${name};` };
}

function bigIndex(table, suffix, columns) {
  return { slug: `index_${table}_${suffix}`, up: `CREATE INDEX idx_${table}_${suffix} ON ${table}(${columns});`, down: `DROP INDEX idx_${table}_${suffix};` };
}

function featureIndexOnly() {
  return { slug: 'index_feature_1_name', up: 'CREATE INDEX idx_feature_1_name ON feature_1(name);', down: 'DROP INDEX idx_feature_1_name;' };
}

function searchTitle(mixed) {
  const backfill = mixed ? '\nUPDATE tasks SET search_title = lower(title);' : '';
  return { slug: 'add_task_search_title', up: `ALTER TABLE tasks ADD COLUMN search_title TEXT;${backfill}`, down: 'ALTER TABLE tasks DROP COLUMN search_title;' };
}

function projectStats(mixed) {
  const fill = mixed
    ? `\nINSERT INTO project_stats (project_id, open_tasks, done_tasks)
SELECT project_id, sum(status = 'open'), sum(status = 'done') FROM tasks GROUP BY project_id;`
    : '';
  const up = `CREATE TABLE project_stats (
    project_id INTEGER PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
    open_tasks INTEGER NOT NULL DEFAULT 0,
    done_tasks INTEGER NOT NULL DEFAULT 0,
    events INTEGER NOT NULL DEFAULT 0
);${fill}`;
  return { slug: 'create_project_stats', up, down: 'DROP TABLE project_stats;' };
}

/** SQLite's safe rebuild (new table, copy, drop, rename): adds a CHECK that ALTER TABLE cannot add. */
function rebuildMilestones() {
  const up = `-- Rebuild: SQLite cannot add a CHECK constraint to an existing table.
CREATE TABLE milestones_new (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    name TEXT NOT NULL,
    due_date TEXT,
    total_tasks INTEGER NOT NULL DEFAULT 0,
    completed_tasks INTEGER NOT NULL DEFAULT 0,
    completion_percentage REAL NOT NULL DEFAULT 0,
    CHECK (completed_tasks <= total_tasks)
);
INSERT INTO milestones_new (id, project_id, name, due_date, total_tasks, completed_tasks)
SELECT id, project_id, name, due_date, total_tasks, completed_tasks FROM milestones;
DROP TABLE milestones;
ALTER TABLE milestones_new RENAME TO milestones;
CREATE INDEX idx_milestones_project ON milestones(project_id);`;
  const down = `CREATE TABLE milestones_old (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    name TEXT NOT NULL,
    due_date TEXT,
    total_tasks INTEGER NOT NULL DEFAULT 0,
    completed_tasks INTEGER NOT NULL DEFAULT 0
);
INSERT INTO milestones_old SELECT id, project_id, name, due_date, total_tasks, completed_tasks FROM milestones;
DROP TABLE milestones;
ALTER TABLE milestones_old RENAME TO milestones;`;
  return { slug: 'rebuild_milestones_with_check', up, down };
}

/** The same rebuild on a small table, the way SQLite documents it: views and triggers dropped first, recreated after. */
function rebuildFeature(f) {
  const up = `DROP VIEW IF EXISTS v_active_feature_${f}_6;
CREATE TABLE feature_${f}_new (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name TEXT NOT NULL CHECK (length(name) > 0),
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
    score INTEGER NOT NULL DEFAULT 0 CHECK (score BETWEEN 0 AND 100),
    created_at TEXT NOT NULL DEFAULT (${NOW}),
    updated_at TEXT NOT NULL DEFAULT (${NOW}),
    note_3 TEXT
);
INSERT INTO feature_${f}_new (id, project_id, name, status, score, created_at, updated_at, note_3)
SELECT id, project_id, name, status, score, created_at, updated_at, note_3 FROM feature_${f};
DROP TABLE feature_${f};
ALTER TABLE feature_${f}_new RENAME TO feature_${f};
CREATE INDEX idx_feature_${f}_project ON feature_${f}(project_id);
${regular(4, f, false).up}
${featureTrigger(f, 5).up}
${regular(6, f, false).up}`;
  return { slug: `rebuild_feature_${f}_with_check`, up, down: `-- The extra CHECK is harmless; nothing to undo.\nSELECT 1;` };
}

function milestoneCounts(mixed) {
  const up = mixed
    ? `UPDATE milestones SET
    total_tasks = (SELECT count(*) FROM tasks WHERE tasks.milestone_id = milestones.id),
    completed_tasks = (SELECT count(*) FROM tasks WHERE tasks.milestone_id = milestones.id AND tasks.status = 'done');
UPDATE milestones SET completion_percentage = CASE WHEN total_tasks = 0 THEN 0 ELSE round(100.0 * completed_tasks / total_tasks, 1) END;`
    : 'CREATE INDEX idx_milestones_due ON milestones(due_date);';
  return { slug: mixed ? 'backfill_milestone_counts' : 'index_milestones_due', up, down: mixed ? 'UPDATE milestones SET total_tasks = 0, completed_tasks = 0, completion_percentage = 0;' : 'DROP INDEX idx_milestones_due;' };
}

function taskTriggers() {
  const up = `CREATE TRIGGER trg_tasks_milestone_counts
AFTER UPDATE OF status ON tasks
FOR EACH ROW WHEN NEW.milestone_id IS NOT NULL AND (OLD.status = 'done') <> (NEW.status = 'done')
BEGIN
    UPDATE milestones SET completed_tasks = completed_tasks + (CASE WHEN NEW.status = 'done' THEN 1 ELSE -1 END)
    WHERE id = NEW.milestone_id;
    UPDATE milestones SET completion_percentage = CASE WHEN total_tasks = 0 THEN 0 ELSE round(100.0 * completed_tasks / total_tasks, 1) END
    WHERE id = NEW.milestone_id;
END;
CREATE TRIGGER trg_tasks_updated_at
AFTER UPDATE OF title, body, status, priority_score ON tasks
FOR EACH ROW WHEN NEW.updated_at = OLD.updated_at
BEGIN
    UPDATE tasks SET updated_at = ${NOW} WHERE id = NEW.id;
END;`;
  return { slug: 'task_triggers', up, down: 'DROP TRIGGER trg_tasks_updated_at;\nDROP TRIGGER trg_tasks_milestone_counts;' };
}

function statusFix() {
  const up = `-- Blocked tasks of closed milestones are done (fires the count and updated_at triggers).
UPDATE tasks SET status = 'done' WHERE status = 'blocked' AND id % 50 = 3;`;
  return { slug: 'close_blocked_tasks', up, down: "-- Not reversible.\nSELECT 1;" };
}

function eventCounts(mixed) {
  const up = mixed
    ? `UPDATE project_stats SET events = (
    SELECT count(*) FROM events JOIN tasks ON tasks.id = events.task_id WHERE tasks.project_id = project_stats.project_id
);`
    : 'ALTER TABLE project_stats ADD COLUMN last_event_at TEXT;';
  return { slug: mixed ? 'backfill_project_event_counts' : 'add_project_stats_last_event', up, down: mixed ? 'UPDATE project_stats SET events = 0;' : 'ALTER TABLE project_stats DROP COLUMN last_event_at;' };
}

function describe(slug) {
  const text = slug.replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Writes the up/down pairs into `dir` and returns what both runners need to know about each. */
function writeMigrations(dir, count, workload) {
  fs.mkdirSync(dir, { recursive: true });
  const width = Math.max(3, String(count).length);
  return migrationSpecs(count, workload).map((spec, index) => {
    const version = String(index + 1).padStart(width, '0');
    const name = `${version}_${spec.slug}`;
    const description = describe(spec.slug);
    const up = `-- description: ${description}\n${spec.up}\n`;
    const down = `${spec.down}\n`;
    fs.writeFileSync(path.join(dir, `${name}.sql`), up);
    fs.writeFileSync(path.join(dir, `${name}.down.sql`), down);
    return { version, name, description, up, down, checksum: sha256(up) };
  });
}

module.exports = { writeMigrations, migrationSpecs };
