-- Rate limits. A group's limit sits beside rate_limit_per_minute (NULL = no limit from this group);
-- burst is how many requests may come at once under the per-second rate (NULL = the per-second rate).
ALTER TABLE group_policies ADD COLUMN rate_limit_per_second INTEGER;
ALTER TABLE group_policies ADD COLUMN rate_limit_per_day INTEGER;
ALTER TABLE group_policies ADD COLUMN rate_limit_burst INTEGER;

-- A limit set on one user (all their tokens share it) or on one token; it replaces the group limits.
CREATE TABLE rate_limits (
    subject_kind VARCHAR(8)  NOT NULL,
    subject_id   VARCHAR(64) NOT NULL,
    per_second   INTEGER,
    per_minute   INTEGER,
    per_day      INTEGER,
    burst        INTEGER,
    PRIMARY KEY (subject_kind, subject_id),
    CONSTRAINT rate_limits_kind_ck CHECK (subject_kind IN ('user', 'token'))
);
