-- Permissions granted to groups. The group key '*' means every user; out of the box every user may
-- use and create tokens (as with Atlassian's native tokens). The admin group's 'admin' grant is
-- ensured at start-up from the admin.group setting.
CREATE TABLE group_grants (
    group_key  VARCHAR(255) NOT NULL,
    permission VARCHAR(32)  NOT NULL,
    CONSTRAINT group_grants_pk PRIMARY KEY (group_key, permission),
    CONSTRAINT group_grants_permission_ck CHECK (permission IN
        ('use-tokens', 'create-tokens', 'create-tokens-for-others', 'manage-all-tokens', 'admin'))
);
INSERT INTO group_grants (group_key, permission) VALUES ('*', 'use-tokens');
INSERT INTO group_grants (group_key, permission) VALUES ('*', 'create-tokens');
