-- The complete schema at version 1.2.1 (after 001-005), for reading and for creating an empty database
-- in one step. The migrations are the source of truth: this file is their result, dumped from a migrated
-- database, and test/unit/example.test.ts fails if the two ever differ. No data and no schema_migrations.

CREATE TABLE projects (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL UNIQUE,
    slug        TEXT NOT NULL UNIQUE CHECK (slug GLOB '[a-z0-9]*' AND slug NOT GLOB '*[^a-z0-9-]*'),
    description TEXT,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE repositories (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id     INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    url            TEXT NOT NULL UNIQUE,
    default_branch TEXT NOT NULL DEFAULT 'main',
    created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (project_id, name)
);

CREATE TABLE milestones (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id            INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name                  TEXT NOT NULL,
    due_date              TEXT CHECK (due_date IS NULL OR due_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    total_tasks           INTEGER NOT NULL DEFAULT 0,
    completed_tasks       INTEGER NOT NULL DEFAULT 0,
    completion_percentage INTEGER GENERATED ALWAYS AS (
        CASE WHEN total_tasks = 0 THEN 0 ELSE (completed_tasks * 100) / total_tasks END
    ) VIRTUAL,
    created_at            TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (project_id, name),
    CHECK (total_tasks >= 0 AND completed_tasks BETWEEN 0 AND total_tasks)
);

CREATE TABLE "tasks" (
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

CREATE TABLE task_tags (
    task_id    INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    tag        TEXT NOT NULL CHECK (tag <> '' AND tag = lower(trim(tag)) AND length(tag) <= 40),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (task_id, tag)
) WITHOUT ROWID;

CREATE INDEX idx_task_tags_tag ON task_tags(tag, task_id);

CREATE INDEX idx_tasks_milestone ON tasks(milestone_id);

CREATE INDEX idx_tasks_priority_queue ON tasks(project_id, status, priority_score DESC);

CREATE INDEX idx_tasks_repository ON tasks(repository_id);

CREATE INDEX idx_tasks_status_updated ON tasks(status, updated_at DESC);

CREATE TRIGGER trg_tasks_count_delete AFTER DELETE ON tasks
WHEN OLD.milestone_id IS NOT NULL
BEGIN
    UPDATE milestones
    SET total_tasks = total_tasks - 1,
        completed_tasks = completed_tasks - (OLD.status = 'done')
    WHERE id = OLD.milestone_id;
END;

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

CREATE TRIGGER trg_tasks_touch AFTER UPDATE ON tasks
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE tasks
    SET updated_at = max(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
                         strftime('%Y-%m-%dT%H:%M:%fZ', OLD.updated_at, '+0.001 seconds'))
    WHERE id = NEW.id;
END;

