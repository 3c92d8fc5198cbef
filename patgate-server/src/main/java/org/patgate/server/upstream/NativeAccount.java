package org.patgate.server.upstream;

/** A user account on the upstream product, as the product names it: login name and display name. */
public record NativeAccount(String username, String displayName) {}
