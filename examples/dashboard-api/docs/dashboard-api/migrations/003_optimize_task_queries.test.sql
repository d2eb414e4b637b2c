-- Tests of 003_optimize_task_queries.sql: the "recently changed tasks by status" query uses the new index.
-- expect-plan: idx_tasks_status_updated
SELECT id FROM tasks WHERE status = 'done' ORDER BY updated_at DESC LIMIT 20;
