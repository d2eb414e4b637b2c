-- version: 1.1.1
-- description: Roll back: Add index for task status queries

DROP INDEX IF EXISTS idx_tasks_status_updated;
