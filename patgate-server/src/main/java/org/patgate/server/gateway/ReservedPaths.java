package org.patgate.server.gateway;

/** PATgate's own namespace, {@code /.patgate/}: served locally, never proxied, in any letter case. */
public final class ReservedPaths {

    public static final String PREFIX = "/.patgate/";

    private ReservedPaths() {}

    public static boolean isReserved(String path) {
        return path != null
                && (path.regionMatches(true, 0, PREFIX, 0, PREFIX.length()) || path.equalsIgnoreCase("/.patgate"));
    }
}
