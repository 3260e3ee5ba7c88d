-- An organiser's accent colour (#rrggbb) for their public pages and embeds; NULL = the default.
ALTER TABLE organisers ADD COLUMN accent_color TEXT;
