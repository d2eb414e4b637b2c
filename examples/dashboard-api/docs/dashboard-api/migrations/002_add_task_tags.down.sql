-- version: 1.1.0
-- description: Roll back: Add task tags
--
-- Loses every tag (the spec's "Add table" row: high data-loss risk); the runner backs the database up first.

DROP INDEX IF EXISTS idx_task_tags_tag;
DROP TABLE IF EXISTS task_tags;
