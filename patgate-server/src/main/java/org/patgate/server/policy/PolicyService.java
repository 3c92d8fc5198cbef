package org.patgate.server.policy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.patgate.core.text.UnsafeText;
import org.patgate.server.audit.AuditLog;
import org.patgate.server.error.InvalidRequestException;
import org.patgate.server.error.NotFoundException;
import org.patgate.server.principal.Principal;
import org.patgate.server.store.Change;
import org.patgate.server.store.Database;
import org.patgate.server.store.GrantRepository;

/** Reads and changes token policies by group (admins only, audited). Thread-safe. */
public final class PolicyService {

    private static final Pattern GROUP_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._ -]{0,254}");

    private final Database database;
    private final Policies policies;
    private final AuditLog audit;
    // Told after a policy changed, e.g. so cached token checks pick up new rate limits at once.
    private final List<Runnable> changeListeners = new CopyOnWriteArrayList<>();

    public PolicyService(Database database, Policies policies, AuditLog audit) {
        this.database = database;
        this.policies = policies;
        this.audit = audit;
    }

    /** Runs {@code listener} after every change of a policy, on the changing thread; it must not throw. */
    public void onChange(Runnable listener) {
        changeListeners.add(listener);
    }

    public Map<String, Policy> all(Principal actor) {
        actor.requireAdmin("read or change token policies");
        return policies.all();
    }

    public Policy get(Principal actor, String group) {
        actor.requireAdmin("read or change token policies");
        Policy policy = policies.ofGroup(group);
        if (policy == null) {
            throw new NotFoundException("no policy for " + shown(group));
        }
        return policy;
    }

    /** Sets a group's policy ({@code "*"} = everyone); applies to tokens created from now on. */
    public Policy put(Principal actor, String sourceIp, String group, Policy policy) {
        actor.requireAdmin("read or change token policies");
        requireGroupName(group);
        database.inTransaction("set the token policy of " + shown(group), () -> {
            policies.put(group, policy);
            database.changes().record(Change.Kind.POLICIES, "");
            audit.success(actor.username(), "policy.set", shown(group), sourceIp, policy.toString());
        });
        changeListeners.forEach(Runnable::run);
        return policies.ofGroup(group);
    }

    public void delete(Principal actor, String sourceIp, String group) {
        actor.requireAdmin("read or change token policies");
        requireGroupName(group);
        database.inTransaction("delete the token policy of " + shown(group), () -> {
            if (!policies.delete(group)) {
                throw new NotFoundException("no policy for " + shown(group));
            }
            database.changes().record(Change.Kind.POLICIES, "");
            audit.success(actor.username(), "policy.delete", shown(group), sourceIp, null);
        });
        changeListeners.forEach(Runnable::run);
    }

    private static void requireGroupName(String group) {
        if (!group.equals(GrantRepository.EVERYONE)
                && !GROUP_NAME.matcher(group).matches()) {
            throw new InvalidRequestException(
                    "not a group name: '" + UnsafeText.escape(group) + "'", Map.of("group", "not a group name"));
        }
    }

    private static String shown(String group) {
        return group.equals(GrantRepository.EVERYONE) ? "everyone" : "group '" + group + "'";
    }
}
