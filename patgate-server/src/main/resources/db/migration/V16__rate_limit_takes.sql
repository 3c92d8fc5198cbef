-- Requests each node let through per rate-limit bucket, so every node can count the others' too.
-- taken is the node's running total for the bucket; taken_before its total one sync earlier (what a
-- node seeing the row for the first time takes as new, unless the row is younger than the
-- node's first look). Times are the database's.
CREATE TABLE rate_limit_takes (
    bucket       VARCHAR(80)  NOT NULL,
    node         VARCHAR(128) NOT NULL,
    taken        BIGINT       NOT NULL,
    taken_before BIGINT       NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (bucket, node)
);
CREATE INDEX rate_limit_takes_updated ON rate_limit_takes (updated_at);
