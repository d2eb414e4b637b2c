-- version: 1.2.1
-- description: Roll back: Seed demo data
--
-- Deletes exactly the seeded rows, children first. Foreign keys are off while a migration runs, so
-- nothing cascades: a tag someone added to a demo task is deleted with it here, and if rows of your
-- own still reference a demo project, milestone or repository, PRAGMA foreign_key_check fails before
-- COMMIT and the runner rolls this back with the offending rows named. The delete trigger on tasks
-- takes each task off its milestone's counters before the milestones go.

DELETE FROM task_tags WHERE task_id BETWEEN 1 AND 20;
DELETE FROM tasks WHERE id BETWEEN 1 AND 20;
DELETE FROM milestones WHERE id BETWEEN 1 AND 4;
DELETE FROM repositories WHERE id BETWEEN 1 AND 3;
DELETE FROM projects WHERE id IN (1, 2);
