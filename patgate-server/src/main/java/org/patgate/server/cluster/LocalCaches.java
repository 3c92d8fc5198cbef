package org.patgate.server.cluster;

import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.patgate.server.store.Change;

/**
 * What this node forgets when another node changed something: the same local invalidation the
 * changing node ran itself. Every callback must return quickly and may run on the listening thread
 * while requests are served; applying a change twice does no harm.
 *
 * @param token        forgets what is cached under a token digest (hex)
 * @param owner        forgets everything cached about a user (their tokens, their identity JWTs)
 * @param permissions  re-reads the group permissions
 * @param settings     re-reads the REST settings
 * @param upstreamLink forgets a user's cached upstream credential (null: every user's)
 * @param allTokens    forgets every cached token check
 */
public record LocalCaches(
        Consumer<String> token,
        LongConsumer owner,
        Runnable permissions,
        Runnable settings,
        Consumer<Long> upstreamLink,
        Runnable allTokens) {

    public LocalCaches {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(permissions, "permissions");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(upstreamLink, "upstreamLink");
        Objects.requireNonNull(allTokens, "allTokens");
    }

    /** Applies one change; a subject this node cannot read makes it forget everything (fail safe). */
    public void apply(Change change) {
        switch (change.kind()) {
            case TOKEN -> {
                if (change.subject().isEmpty()) {
                    forgetEverything();
                } else {
                    token.accept(change.subject());
                }
            }
            case OWNER -> {
                Long user = userId(change.subject());
                if (user == null) {
                    forgetEverything();
                } else {
                    owner.accept(user);
                }
            }
            case PERMISSIONS -> {
                permissions.run();
                allTokens.run();
            }
            // Policies are read from the store whenever used; only the token checks resolved with them are cached.
            case POLICIES -> allTokens.run();
            case SETTINGS -> settings.run();
            case UPSTREAM_LINK -> upstreamLink.accept(userId(change.subject()));
            case ALL -> forgetEverything();
        }
    }

    /** Forgets every cached answer, then re-reads what is held in memory (those may fail with the store). */
    public void forgetEverything() {
        allTokens.run();
        upstreamLink.accept(null);
        permissions.run();
        settings.run();
    }

    private static Long userId(String subject) {
        try {
            return Long.valueOf(subject);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
