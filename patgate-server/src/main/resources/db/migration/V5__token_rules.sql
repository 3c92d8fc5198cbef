-- A token's fine-grained rules (JSON: preset name, allow and deny lists of methods + path
-- pattern), stored expanded; NULL = the scope alone decides.
ALTER TABLE tokens ADD COLUMN rules VARCHAR(8000);
