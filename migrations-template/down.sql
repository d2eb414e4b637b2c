-- version: {{version}}
-- description: Roll back: {{description}}
--
-- {{downFile}}, created {{date}}.
-- Undo what {{upFile}} does, in reverse order: DROP what it created, rebuild what it changed.
-- Like the up file, it runs in one transaction that the runner owns: no BEGIN/COMMIT needed.
-- While this file holds only comments, rolling back {{name}} changes nothing in the database.

