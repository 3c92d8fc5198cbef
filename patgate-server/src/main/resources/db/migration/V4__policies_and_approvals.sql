-- Token policies by group ('*' = everyone). NULL means "no limit from this group". When a user is
-- in several groups, the most restrictive value wins.
CREATE TABLE group_policies (
    group_key             VARCHAR(255) NOT NULL PRIMARY KEY,
    max_lifetime_days     INTEGER,
    expiry_required       BOOLEAN      NOT NULL,
    max_active_tokens     INTEGER,
    -- comma-joined scopes allowed ('read-only,read-write'); NULL = any
    allowed_scopes        VARCHAR(64),
    -- comma-joined CIDRs every token must stay within; NULL = none required
    required_ip_ranges    VARCHAR(4000),
    approval_required     BOOLEAN      NOT NULL,
    rate_limit_per_minute INTEGER
);

-- An administrator's decision on a token that waited for approval.
CREATE TABLE token_decisions (
    token_id   VARCHAR(32)              NOT NULL PRIMARY KEY,
    decision   VARCHAR(16)              NOT NULL,
    reason     VARCHAR(1000),
    decided_by BIGINT                   NOT NULL,
    decided_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT token_decisions_token_fk FOREIGN KEY (token_id) REFERENCES tokens (id) ON DELETE CASCADE,
    CONSTRAINT token_decisions_user_fk FOREIGN KEY (decided_by) REFERENCES users (id),
    CONSTRAINT token_decisions_decision_ck CHECK (decision IN ('approved', 'denied'))
);
