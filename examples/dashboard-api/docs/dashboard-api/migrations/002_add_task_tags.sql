-- version: 1.1.0
-- description: Add task tags
--
-- Free-form labels on tasks ('backend', 'bug', ...), stored lower-case and trimmed so that
-- 'Bug' and 'bug ' are one tag. A task's tags go with it when the task is deleted.

CREATE TABLE task_tags (
    task_id    INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    tag        TEXT NOT NULL CHECK (tag <> '' AND tag = lower(trim(tag)) AND length(tag) <= 40),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (task_id, tag)
) WITHOUT ROWID;

-- "All tasks tagged X": the primary key already serves "all tags of task N".
CREATE INDEX idx_task_tags_tag ON task_tags(tag, task_id);
