-- version: 1.0.0
-- description: Roll back: Initial schema with projects, repositories, milestones, tasks
--
-- Children before parents. Dropping a table drops its indexes and triggers with it.

DROP TABLE IF EXISTS tasks;
DROP TABLE IF EXISTS milestones;
DROP TABLE IF EXISTS repositories;
DROP TABLE IF EXISTS projects;
