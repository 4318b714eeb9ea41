-- Role (title seen with a name) and country relation of each mention.
ALTER TABLE mentions ADD COLUMN role TEXT;
ALTER TABLE mentions ADD COLUMN country TEXT;
