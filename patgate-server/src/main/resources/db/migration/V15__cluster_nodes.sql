-- The nodes of a cluster on this database, each written by the node itself: registered at start,
-- refreshed every heartbeat (cluster.heartbeatInterval), removed on a clean stop. A node that stops
-- without saying so keeps its row until it is a day old; readers call it gone long before that.
-- heartbeat_interval_ms is the node's own interval, so others judge its silence by its schedule.
-- database_ms: how long the node's last heartbeat took to reach the database and back.
CREATE TABLE cluster_nodes (
    id                    VARCHAR(200)             NOT NULL PRIMARY KEY,
    address               VARCHAR(300)             NOT NULL,
    version               VARCHAR(100)             NOT NULL,
    started_at            TIMESTAMP WITH TIME ZONE NOT NULL,
    last_seen             TIMESTAMP WITH TIME ZONE NOT NULL,
    heartbeat_interval_ms BIGINT                   NOT NULL,
    token_cache_entries   BIGINT                   NOT NULL,
    activity_queued       BIGINT                   NOT NULL,
    activity_dropped      BIGINT                   NOT NULL,
    database_ms           BIGINT                   NOT NULL
);
