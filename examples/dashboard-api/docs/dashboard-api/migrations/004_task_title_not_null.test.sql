-- Tests of 004_task_title_not_null.sql: tasks were rebuilt with a required title, keeping their indexes and triggers.
-- expect-error: NOT NULL constraint failed: tasks.title
INSERT INTO tasks (project_id, title) VALUES (1, NULL);

-- expect-plan: USING INDEX idx_tasks_priority_queue
SELECT * FROM tasks WHERE project_id = 1 AND status IN ('open', 'in_progress') ORDER BY priority_score DESC LIMIT 100;

-- expect: 4
SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'tasks';

-- expect-empty
PRAGMA foreign_key_check;
