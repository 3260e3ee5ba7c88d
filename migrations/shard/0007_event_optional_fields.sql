-- Contact fields an event asks for but a buyer may leave blank (a subset of `fields`, JSON).
ALTER TABLE events ADD COLUMN optional_fields TEXT NOT NULL DEFAULT '[]';
