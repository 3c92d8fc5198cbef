-- Settings an administrator changed at runtime (GET|PUT /settings), one row per section ('rest').
-- document is a JSON object holding only the keys the administrator set; every key it does not
-- hold follows the configuration file. Every node of a cluster re-reads this table periodically.
CREATE TABLE settings (
    name       VARCHAR(64)              NOT NULL PRIMARY KEY,
    document   VARCHAR(100000)          NOT NULL,
    updated_by VARCHAR(255)             NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL
);
