-- Two notes, with fixed ids and times so tests can name them.
INSERT INTO notes (id, title, body, created_at) VALUES
    (1, 'Welcome', 'This clone answers /v1/notes.', '2026-01-01T00:00:00Z'),
    (2, 'Second', 'Notes list oldest first.', '2026-01-02T00:00:00Z');
SELECT setval('notes_id_seq', 2);
