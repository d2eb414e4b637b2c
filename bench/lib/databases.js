'use strict';
// The databases the migrations run on: the app's tables before it adopted migrations (projects,
// milestones, tasks, events), filled by the sqlite3 CLI to a target size and cached in bench/work/db
// under a key made of everything that shapes them, so a rerun reuses them.
const fs = require('fs');
const path = require('path');
const { sh, log } = require('./util');

/** Bump when the schema or the data recipe changes: old cached files are then not reused. */
const RECIPE = 'v1';
/** Measured: 300,000 tasks + 600,000 events made a 178 MB file. */
const TASKS_PER_MB = 1686;

const BASE_SCHEMA = `
CREATE TABLE projects (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    owner TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE milestones (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    name TEXT NOT NULL,
    due_date TEXT,
    total_tasks INTEGER NOT NULL DEFAULT 0,
    completed_tasks INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE tasks (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    milestone_id INTEGER REFERENCES milestones(id),
    title TEXT,
    body TEXT,
    status TEXT NOT NULL DEFAULT 'open',
    priority_score INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    task_id INTEGER NOT NULL REFERENCES tasks(id),
    kind TEXT NOT NULL,
    payload TEXT,
    at TEXT NOT NULL
);
CREATE INDEX idx_tasks_project ON tasks(project_id);
CREATE INDEX idx_events_task ON events(task_id);
`;

function dataSql(sizeMB) {
  const tasks = Math.round(sizeMB * TASKS_PER_MB);
  if (tasks === 0) return '';
  const milestones = Math.max(1, Math.round(tasks / 75));
  const projects = 200;
  return `
BEGIN;
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < ${projects})
INSERT INTO projects SELECT i, 'project ' || i, 'owner' || (i % 17), datetime(1600000000 + i * 3600, 'unixepoch') FROM c;
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < ${milestones})
INSERT INTO milestones SELECT i, 1 + i % ${projects}, 'milestone ' || i, date(1600000000 + i * 86400, 'unixepoch'), 0, 0 FROM c;
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < ${tasks})
INSERT INTO tasks SELECT i, 1 + i % ${projects}, 1 + i % ${milestones},
  'Task number ' || i || ' ' || substr(hex(randomblob(16)), 1, 10 + i % 20),
  hex(randomblob(40 + i % 80)),
  CASE i % 4 WHEN 0 THEN 'open' WHEN 1 THEN 'in_progress' WHEN 2 THEN 'done' ELSE 'blocked' END,
  abs(random()) % 10000, datetime(1600000000 + i * 60, 'unixepoch'), datetime(1600000000 + i * 60 + 3600, 'unixepoch') FROM c;
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < ${tasks * 2})
INSERT INTO events SELECT i, 1 + i % ${tasks}, CASE i % 3 WHEN 0 THEN 'created' WHEN 1 THEN 'commented' ELSE 'moved' END,
  '{"by":"user' || (i % 97) || '","note":"' || hex(randomblob(20 + i % 30)) || '"}', datetime(1600000000 + i * 30, 'unixepoch') FROM c;
COMMIT;`;
}

/** The cached database of about `sizeMB` MB (0: the tables without rows); generated on first use. */
function baseDatabase(workDir, sizeMB) {
  const dir = path.join(workDir, 'db');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `base-${RECIPE}-${sizeMB}mb.db`);
  if (!fs.existsSync(file)) {
    log(`generating the ${sizeMB} MB database with sqlite3 ...`);
    const temp = `${file}.partial`;
    fs.rmSync(temp, { force: true });
    const script = `PRAGMA journal_mode = OFF;\nPRAGMA synchronous = OFF;\n${BASE_SCHEMA}${dataSql(sizeMB)}\n`;
    sh('sqlite3', ['-bail', temp], { input: script });
    fs.renameSync(temp, file);
  }
  return { file, bytes: fs.statSync(file).size };
}

module.exports = { baseDatabase, BASE_SCHEMA };
