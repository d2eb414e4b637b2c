-- Tests of 001_initial_schema.sql: the spec's Post-Migration Checks ("Data Integrity Verification").
-- Run by "sqlite-migrations test" right after this migration, inside a savepoint that is rolled back.

-- 1. The tables exist (the ledger is the runner's own table).
-- expect: milestones,projects,repositories,schema_migrations,tasks
SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations_sql' ORDER BY name);

-- 2. No foreign key violations.
-- expect-empty
PRAGMA foreign_key_check;

-- 3. The priority-queue query uses its index.
-- expect-plan: USING INDEX idx_tasks_priority_queue
SELECT * FROM tasks WHERE project_id = 1 AND status IN ('open', 'in_progress') ORDER BY priority_score DESC LIMIT 100;

-- 4. The milestone counter triggers: insert, complete, delete.
INSERT INTO projects (id, name, slug) VALUES (1, 'Test project', 'test-project');
INSERT INTO milestones (id, project_id, name) VALUES (1, 1, 'Test milestone');
INSERT INTO tasks (id, project_id, milestone_id, title, status) VALUES (1, 1, 1, 'Test Task', 'open');
-- expect: 1|0
SELECT total_tasks || '|' || completed_tasks FROM milestones WHERE id = 1;
UPDATE tasks SET status = 'done' WHERE id = 1;
-- expect: 1|1
SELECT total_tasks || '|' || completed_tasks FROM milestones WHERE id = 1;
INSERT INTO tasks (id, project_id, milestone_id, title, status) VALUES (2, 1, 1, 'Second task', 'open');
DELETE FROM tasks WHERE id = 2;
-- expect: 1|1
SELECT total_tasks || '|' || completed_tasks FROM milestones WHERE id = 1;

-- 5. CHECK constraints refuse an invalid status and a priority out of range.
-- expect-error: CHECK constraint failed
INSERT INTO tasks (project_id, title, status, priority_score) VALUES (1, 'Test', 'invalid_status', 5000);
-- expect-error: CHECK constraint failed
INSERT INTO tasks (project_id, title, status, priority_score) VALUES (1, 'Test', 'open', 15000);

-- 6. completion_percentage is computed: one of two tasks done is 50.
INSERT INTO tasks (id, project_id, milestone_id, title, status) VALUES (3, 1, 1, 'Third task', 'open');
-- expect: 50
SELECT completion_percentage FROM milestones WHERE id = 1;

-- 7. Timestamps are set in ISO 8601, and updated_at moves past created_at on an update.
-- expect-rows: 0
SELECT id FROM tasks WHERE created_at NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z' OR updated_at IS NULL;
UPDATE tasks SET title = 'Updated' WHERE id = 1;
-- expect: 1
SELECT updated_at > created_at FROM tasks WHERE id = 1;
