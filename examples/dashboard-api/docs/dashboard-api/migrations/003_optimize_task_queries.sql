-- version: 1.1.1
-- description: Add index for task status queries
--
-- The dashboard's "recently changed" lists: tasks in one status, newest change first.

CREATE INDEX idx_tasks_status_updated ON tasks(status, updated_at DESC);
