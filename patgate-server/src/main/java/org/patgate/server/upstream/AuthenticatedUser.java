package org.patgate.server.upstream;

/** Cross-checks the user named in an answer's body against its {@code X-AUSERNAME} header, when present. */
final class AuthenticatedUser {

    private AuthenticatedUser() {}

    static NativeAccount confirmed(
            UpstreamHttp http, String pathTemplate, UpstreamHttp.Answer answer, String username, String displayName) {
        String header = answer.authenticatedUser().orElse(null);
        if ("anonymous".equals(header)) {
            throw new NativeTokenRejectedException(
                    http.productName() + " treated the native token as anonymous: it authenticates nobody");
        }
        // Usernames are case-insensitive in these products, so only a different user is a mismatch: a proxy
        // or cache in front of the product mixing answers. Believe neither.
        if (header != null && !header.equalsIgnoreCase(username)) {
            throw http.notExpected(
                    pathTemplate,
                    answer.status(),
                    "naming " + username + " in the body but " + header + " in "
                            + UpstreamHttp.AUTHENTICATED_USER_HEADER);
        }
        return new NativeAccount(username, displayName == null ? username : displayName);
    }
}
