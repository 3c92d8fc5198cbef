package org.patgate.server.config;

import java.util.Objects;
import java.util.Optional;

/**
 * Where users and groups come from ({@code directory.*}). PATgate's own (local) directory always
 * exists; {@link #ldap()} is present when {@code directory.ldap.urls} is set, and then holds settings
 * that {@link LdapSettings} has already validated. Immutable and thread-safe; {@link #toString()}
 * masks the LDAP passwords.
 */
public record DirectoryConfig(Optional<LdapSettings> ldap) {

    public DirectoryConfig {
        Objects.requireNonNull(ldap, "directory.ldap");
    }

    /** Local users only: no {@code directory.ldap} section. */
    public static DirectoryConfig localOnly() {
        return new DirectoryConfig(Optional.empty());
    }

    /** Local users, then this LDAP or Active Directory server. */
    public static DirectoryConfig withLdap(LdapSettings ldap) {
        return new DirectoryConfig(Optional.of(ldap));
    }
}
