-- Tests of 002_add_task_tags.sql: tags belong to tasks, one of each per task, found by tag.
-- expect-empty
PRAGMA foreign_key_check;

INSERT INTO projects (id, name, slug) VALUES (1, 'Test project', 'test-project');
INSERT INTO tasks (id, project_id, title) VALUES (1, 1, 'Tagged task');
INSERT INTO task_tags (task_id, tag) VALUES (1, 'backend');
-- expect-error: UNIQUE constraint failed
INSERT INTO task_tags (task_id, tag) VALUES (1, 'backend');

-- expect-plan: idx_task_tags_tag
SELECT task_id FROM task_tags WHERE tag = 'backend';
