-- Tests of 005_seed_demo_data.sql: the demo board, and the milestone counters the triggers kept while it was inserted.
-- expect-rows: 2
SELECT id FROM projects;

-- expect: 20
SELECT count(*) FROM tasks;

-- Counters that disagree with the tasks: none.
-- expect-empty
SELECT m.id FROM milestones AS m
WHERE m.total_tasks <> (SELECT count(*) FROM tasks WHERE milestone_id = m.id)
   OR m.completed_tasks <> (SELECT count(*) FROM tasks WHERE milestone_id = m.id AND status = 'done');

-- expect: 50
SELECT completion_percentage FROM milestones WHERE id = 1;

-- Completing a task moves its milestone's counters and percentage.
UPDATE tasks SET status = 'done' WHERE id = 6;
-- expect: 66
SELECT completion_percentage FROM milestones WHERE id = 1;

-- expect-empty
PRAGMA foreign_key_check;
