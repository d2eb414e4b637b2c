-- version: 1.2.0
-- description: Make task title NOT NULL
--
-- The spec's Scenario 3. SQLite has no ALTER COLUMN, so the table is rebuilt the way SQLite's
-- documentation prescribes (https://www.sqlite.org/lang_altertable.html#otheralter): create the new
-- table, copy, drop the old one, rename, then recreate its indexes and triggers. The runner runs
-- this file in one transaction with foreign keys off, so task_tags rows that reference tasks survive
-- the drop, and it refuses to commit if PRAGMA foreign_key_check finds any row left dangling.

-- 1. The new table: the same columns in the same order, with title NOT NULL.
CREATE TABLE tasks_new (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id     INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    milestone_id   INTEGER REFERENCES milestones(id) ON DELETE SET NULL,
    repository_id  INTEGER REFERENCES repositories(id) ON DELETE SET NULL,
    title          TEXT NOT NULL,
    description    TEXT,
    status         TEXT NOT NULL DEFAULT 'open'
                   CHECK (status IN ('open', 'in_progress', 'in_review', 'blocked', 'done')),
    priority_score INTEGER NOT NULL DEFAULT 0 CHECK (priority_score BETWEEN 0 AND 10000),
    assignee       TEXT,
    created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
                   CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'),
    updated_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
                   CHECK (updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'),
    CHECK (updated_at >= created_at)
);

-- 2. Copy every row, naming the columns (not SELECT *) so a column order mismatch cannot shift
--    values. Tasks that have no title yet get one instead of failing the whole migration.
INSERT INTO tasks_new (id, project_id, milestone_id, repository_id, title, description, status, priority_score, assignee, created_at, updated_at)
SELECT id, project_id, milestone_id, repository_id, coalesce(title, 'Untitled task ' || id), description,
       status, priority_score, assignee, created_at, updated_at
FROM tasks;

-- 3. AUTOINCREMENT promises never to hand out the id of a deleted task again, but DROP TABLE forgets
--    the counter (sqlite_sequence row) of tasks: carry it over to tasks_new before the drop.
DELETE FROM sqlite_sequence WHERE name = 'tasks_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'tasks_new', seq FROM sqlite_sequence WHERE name = 'tasks';

-- 4. Drop the old table: its indexes and triggers go with it. Foreign keys are off while a migration
--    runs, so this does not cascade into task_tags; its rows point at tasks again after the rename.
DROP TABLE tasks;

-- 5. Rename: references to "tasks" in task_tags now resolve to the new table.
ALTER TABLE tasks_new RENAME TO tasks;

-- 6. Recreate every index (001 and 003) ...
CREATE INDEX idx_tasks_priority_queue ON tasks(project_id, status, priority_score DESC);
CREATE INDEX idx_tasks_milestone ON tasks(milestone_id);
CREATE INDEX idx_tasks_repository ON tasks(repository_id);
CREATE INDEX idx_tasks_status_updated ON tasks(status, updated_at DESC);

-- 7. ... and every trigger (001), unchanged.
CREATE TRIGGER trg_tasks_count_insert AFTER INSERT ON tasks
WHEN NEW.milestone_id IS NOT NULL
BEGIN
    UPDATE milestones
    SET total_tasks = total_tasks + 1,
        completed_tasks = completed_tasks + (NEW.status = 'done')
    WHERE id = NEW.milestone_id;
END;

CREATE TRIGGER trg_tasks_count_update AFTER UPDATE OF status, milestone_id ON tasks
WHEN OLD.milestone_id IS NOT NEW.milestone_id OR OLD.status IS NOT NEW.status
BEGIN
    UPDATE milestones
    SET total_tasks = total_tasks - 1,
        completed_tasks = completed_tasks - (OLD.status = 'done')
    WHERE id = OLD.milestone_id;
    UPDATE milestones
    SET total_tasks = total_tasks + 1,
        completed_tasks = completed_tasks + (NEW.status = 'done')
    WHERE id = NEW.milestone_id;
END;

CREATE TRIGGER trg_tasks_count_delete AFTER DELETE ON tasks
WHEN OLD.milestone_id IS NOT NULL
BEGIN
    UPDATE milestones
    SET total_tasks = total_tasks - 1,
        completed_tasks = completed_tasks - (OLD.status = 'done')
    WHERE id = OLD.milestone_id;
END;

CREATE TRIGGER trg_tasks_touch AFTER UPDATE ON tasks
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE tasks
    SET updated_at = max(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
                         strftime('%Y-%m-%dT%H:%M:%fZ', OLD.updated_at, '+0.001 seconds'))
    WHERE id = NEW.id;
END;

-- The runner then checks PRAGMA foreign_key_check (task_tags -> tasks included) before it commits.
