-- version: 1.2.1
-- description: Seed demo data
--
-- A small, realistic board so the example database has rows to protect: two projects, three
-- repositories, four milestones, twenty tasks and their tags. Ids are explicit so the down file can
-- delete exactly these rows. Milestone counters are not written here: the triggers on tasks count
-- each inserted task, which is what the post-migration checks then verify.

INSERT INTO projects (id, name, slug, description, created_at) VALUES
    (1, 'Dashboard API', 'dashboard-api', 'REST API and SQLite store behind the multi-agent dashboard', '2025-09-29T08:00:00.000Z'),
    (2, 'Machine Client', 'machine-client', 'Runs the agents on each machine and reports progress to the dashboard', '2025-09-30T08:00:00.000Z');

INSERT INTO repositories (id, project_id, name, url, default_branch, created_at) VALUES
    (1, 1, 'dashboard-api', 'https://github.com/example-org/dashboard-api', 'main', '2025-09-29T08:05:00.000Z'),
    (2, 1, 'dashboard-web', 'https://github.com/example-org/dashboard-web', 'main', '2025-09-29T08:06:00.000Z'),
    (3, 2, 'machine-client', 'https://github.com/example-org/machine-client', 'develop', '2025-09-30T08:05:00.000Z');

INSERT INTO milestones (id, project_id, name, due_date, created_at) VALUES
    (1, 1, 'v1.0 Schema and migrations', '2025-10-31', '2025-09-29T09:00:00.000Z'),
    (2, 1, 'v1.1 Task tags', '2025-11-21', '2025-09-29T09:05:00.000Z'),
    (3, 2, 'Agent protocol v2', '2025-11-14', '2025-09-30T09:00:00.000Z'),
    (4, 2, 'Public beta', '2025-12-12', '2025-09-30T09:05:00.000Z');

INSERT INTO tasks (id, project_id, milestone_id, repository_id, title, status, priority_score, assignee, created_at, updated_at) VALUES
    (1, 1, 1, 1, 'Write the initial schema migration', 'done', 9500, 'ana', '2025-10-01T09:00:00.000Z', '2025-10-03T16:20:00.000Z'),
    (2, 1, 1, 1, 'Add milestone counter triggers', 'done', 9000, 'ana', '2025-10-01T09:10:00.000Z', '2025-10-06T11:45:00.000Z'),
    (3, 1, 1, 1, 'Index the priority queue query', 'done', 8800, 'ben', '2025-10-02T10:00:00.000Z', '2025-10-07T09:30:00.000Z'),
    (4, 1, 1, 1, 'Document rollback procedures', 'in_review', 7000, 'chloe', '2025-10-03T14:00:00.000Z', '2025-10-17T15:10:00.000Z'),
    (5, 1, 1, 1, 'Pre-migration backups with retention', 'in_progress', 8200, 'ben', '2025-10-06T08:30:00.000Z', '2025-10-18T10:05:00.000Z'),
    (6, 1, 1, 1, 'Verify foreign keys after each migration', 'open', 7600, NULL, '2025-10-07T13:00:00.000Z', '2025-10-07T13:00:00.000Z'),
    (7, 1, 2, 1, 'Add task_tags table', 'done', 6500, 'ana', '2025-10-08T09:00:00.000Z', '2025-10-14T17:00:00.000Z'),
    (8, 1, 2, 1, 'Filter tasks by tag in GET /tasks', 'in_progress', 6000, 'chloe', '2025-10-09T09:00:00.000Z', '2025-10-18T12:40:00.000Z'),
    (9, 1, 2, 2, 'Tag chips on the task board', 'open', 4500, NULL, '2025-10-09T09:30:00.000Z', '2025-10-09T09:30:00.000Z'),
    (10, 1, 2, 2, 'Tag autocomplete', 'blocked', 3000, 'dev', '2025-10-10T11:00:00.000Z', '2025-10-16T08:15:00.000Z'),
    (11, 1, NULL, 2, 'Dark mode for the dashboard', 'open', 1500, NULL, '2025-10-11T15:00:00.000Z', '2025-10-11T15:00:00.000Z'),
    (12, 1, NULL, 1, 'Rate-limit the public endpoints', 'open', 5200, NULL, '2025-10-13T10:00:00.000Z', '2025-10-13T10:00:00.000Z'),
    (13, 2, 3, 3, 'Define the heartbeat message', 'done', 9200, 'eli', '2025-10-01T10:00:00.000Z', '2025-10-05T10:00:00.000Z'),
    (14, 2, 3, 3, 'Resume interrupted agent runs', 'in_progress', 8700, 'eli', '2025-10-04T09:00:00.000Z', '2025-10-18T16:30:00.000Z'),
    (15, 2, 3, 3, 'Back-pressure when the dashboard is slow', 'open', 7800, NULL, '2025-10-06T09:00:00.000Z', '2025-10-06T09:00:00.000Z'),
    (16, 2, 3, 3, 'Protocol version negotiation', 'in_review', 6900, 'fay', '2025-10-08T14:00:00.000Z', '2025-10-17T09:50:00.000Z'),
    (17, 2, 4, 3, 'Signed release builds', 'open', 5600, NULL, '2025-10-10T09:00:00.000Z', '2025-10-10T09:00:00.000Z'),
    (18, 2, 4, 3, 'Crash reports with agent logs', 'blocked', 4800, 'fay', '2025-10-12T11:00:00.000Z', '2025-10-15T13:20:00.000Z'),
    (19, 2, 4, 3, 'Install guide for Linux and macOS', 'open', 3500, NULL, '2025-10-14T10:00:00.000Z', '2025-10-14T10:00:00.000Z'),
    (20, 2, NULL, 3, 'Flaky test: reconnect after sleep', 'done', 2500, 'eli', '2025-10-15T08:00:00.000Z', '2025-10-16T10:00:00.000Z');

INSERT INTO task_tags (task_id, tag, created_at) VALUES
    (1, 'database', '2025-10-01T09:00:00.000Z'),
    (2, 'database', '2025-10-01T09:10:00.000Z'),
    (3, 'database', '2025-10-02T10:00:00.000Z'),
    (3, 'performance', '2025-10-02T10:00:00.000Z'),
    (4, 'docs', '2025-10-03T14:00:00.000Z'),
    (5, 'database', '2025-10-06T08:30:00.000Z'),
    (5, 'ops', '2025-10-06T08:30:00.000Z'),
    (6, 'database', '2025-10-07T13:00:00.000Z'),
    (7, 'database', '2025-10-08T09:00:00.000Z'),
    (8, 'backend', '2025-10-09T09:00:00.000Z'),
    (9, 'frontend', '2025-10-09T09:30:00.000Z'),
    (10, 'frontend', '2025-10-10T11:00:00.000Z'),
    (11, 'frontend', '2025-10-11T15:00:00.000Z'),
    (12, 'backend', '2025-10-13T10:00:00.000Z'),
    (12, 'security', '2025-10-13T10:00:00.000Z'),
    (13, 'protocol', '2025-10-01T10:00:00.000Z'),
    (14, 'protocol', '2025-10-04T09:00:00.000Z'),
    (14, 'reliability', '2025-10-04T09:00:00.000Z'),
    (15, 'performance', '2025-10-06T09:00:00.000Z'),
    (16, 'protocol', '2025-10-08T14:00:00.000Z'),
    (17, 'security', '2025-10-10T09:00:00.000Z'),
    (17, 'ops', '2025-10-10T09:00:00.000Z'),
    (18, 'reliability', '2025-10-12T11:00:00.000Z'),
    (19, 'docs', '2025-10-14T10:00:00.000Z'),
    (20, 'bug', '2025-10-15T08:00:00.000Z'),
    (20, 'ci', '2025-10-15T08:00:00.000Z');
