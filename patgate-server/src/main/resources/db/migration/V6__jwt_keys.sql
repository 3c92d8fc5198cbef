-- ES256 keys that sign identity JWTs for the upstream (identity.mode: jwt). The private key is
-- stored encrypted (AES-256-GCM) under a key derived from the token pepper, which never enters the
-- database; every node of a cluster shares the pepper and so can use the keys.
CREATE TABLE jwt_keys (
    kid               VARCHAR(64)              NOT NULL PRIMARY KEY,
    public_x          VARCHAR(64)              NOT NULL,
    public_y          VARCHAR(64)              NOT NULL,
    private_encrypted VARCHAR(2000)            NOT NULL,
    created_at        TIMESTAMP WITH TIME ZONE NOT NULL
);
