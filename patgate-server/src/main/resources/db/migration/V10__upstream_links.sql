-- Each user's link to their own account on a stock Jira, Confluence or Bitbucket Data Center: the
-- native token PATgate forwards in place of the user's PATgate token (identity.mode: upstream-token).
-- kind: pasted by the user, minted by PATgate with the user's password, or a service credential.
-- The token is stored only encrypted (AES-256-GCM) under a key of upstream.credentialKeyFile, which
-- never enters the database: key_id names that key, nonce and ciphertext are base64, and the
-- ciphertext is bound to user_id and kind. A revoked link keeps no ciphertext. status is what is
-- stored; "expiring" and "expired" are computed from expires_at when read.
--
-- ON DELETE CASCADE: the link service is told before a user is disabled or deleted and revokes the
-- native token upstream then (it needs the decrypted token to do so); the row, by then revoked and
-- without a secret, goes with the user. A link must never block deleting a user.
CREATE TABLE upstream_links (
    user_id           BIGINT                   NOT NULL PRIMARY KEY,
    kind              VARCHAR(16)              NOT NULL,
    -- the token's id on the product, for revocation; NULL when the product did not say (pasted)
    native_token_id   VARCHAR(255),
    upstream_username VARCHAR(255)             NOT NULL,
    key_id            VARCHAR(32),
    nonce             VARCHAR(32),
    ciphertext        VARCHAR(8000),
    expires_at        TIMESTAMP WITH TIME ZONE,
    status            VARCHAR(16)              NOT NULL,
    reason            VARCHAR(1000),
    created_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    -- when the product last told us about the token (verified at linking, refused with 401)
    checked_at        TIMESTAMP WITH TIME ZONE,
    CONSTRAINT upstream_links_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT upstream_links_kind_ck CHECK (kind IN ('pasted', 'minted', 'service')),
    CONSTRAINT upstream_links_status_ck CHECK (status IN ('linked', 'broken', 'revoked')),
    CONSTRAINT upstream_links_secret_ck CHECK (
        (status = 'revoked' AND key_id IS NULL AND nonce IS NULL AND ciphertext IS NULL)
        OR (status <> 'revoked' AND key_id IS NOT NULL AND nonce IS NOT NULL AND ciphertext IS NOT NULL))
);
-- key rotation finds the keys still in use
CREATE INDEX upstream_links_key_id_ix ON upstream_links (key_id);
