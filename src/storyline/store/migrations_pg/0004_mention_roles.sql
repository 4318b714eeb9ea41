-- Role (title seen with a name) and country relation of each mention.
ALTER TABLE mentions ADD COLUMN role TEXT COLLATE "C";
ALTER TABLE mentions ADD COLUMN country TEXT COLLATE "C";
