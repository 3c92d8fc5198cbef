package org.patgate.server.config.internal;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.patgate.server.config.ActivityConfig;
import org.patgate.server.config.AdminConfig;
import org.patgate.server.config.ApiConfig;
import org.patgate.server.config.BootstrapConfig;
import org.patgate.server.config.ClusterConfig;
import org.patgate.server.config.ConfigException;
import org.patgate.server.config.DatabaseConfig;
import org.patgate.server.config.DirectoryConfig;
import org.patgate.server.config.IdentityConfig;
import org.patgate.server.config.LimitsConfig;
import org.patgate.server.config.ListenConfig;
import org.patgate.server.config.MetricsConfig;
import org.patgate.server.config.NotificationsConfig;
import org.patgate.server.config.PatgateConfig;
import org.patgate.server.config.RestConfig;
import org.patgate.server.config.Setting;
import org.patgate.server.config.SettingType;
import org.patgate.server.config.TokensConfig;
import org.patgate.server.config.UpstreamConfig;
import org.patgate.server.config.UpstreamProduct;
import org.patgate.server.config.internal.ConfigReader.RawValue;

/**
 * Builds a {@link PatgateConfig} from an optional YAML file and the environment: file values
 * override defaults, {@code PATGATE_*} variables override the file. All problems (unknown keys,
 * unknown variables, bad values) are collected and thrown together. Stateless and thread-safe.
 */
public final class ConfigLoader {

    /** The defaults, also documented in docs/configuration.md. */
    public static final List<String> DEFAULT_READ_ONLY_POSTS = UpstreamProduct.GENERIC.readOnlyPosts();

    private ConfigLoader() {}

    public static PatgateConfig load(Path yamlFile, Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        Map<String, RawValue> settings = new HashMap<>();
        if (yamlFile != null) {
            collectFileSettings(yamlFile, settings, problems);
        }
        collectEnvSettings(env, settings, problems);
        PatgateConfig config = build(new ConfigReader(settings, problems), problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return config;
    }

    private static void collectFileSettings(Path file, Map<String, RawValue> settings, List<String> problems) {
        String source = file.toString();
        YamlTree root;
        try (Reader reader = new InputStreamReader(
                Files.newInputStream(file),
                StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT))) {
            root = YamlTree.parse(reader, source);
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file " + source + ": not found");
        } catch (IOException e) {
            throw new ConfigException("config file " + source + ": cannot be read: " + e.getMessage(), e);
        }
        if (root instanceof YamlTree.Null) {
            return;
        }
        if (!(root instanceof YamlTree.Mapping mapping)) {
            throw new ConfigException(source + ": must be a mapping of keys like 'listen:' at the top level");
        }
        for (Map.Entry<String, YamlTree> entry : mapping.entries().entrySet()) {
            String name = entry.getKey();
            YamlTree value = entry.getValue();
            if (name.indexOf('.') < 0 && ConfigKeys.byPath(name).isPresent()) {
                settings.put(name, new RawValue(value, source + " line " + value.line()));
            } else if (name.indexOf('.') < 0 && ConfigKeys.isSection(name)) {
                collectSection(name, value, source, settings, problems);
            } else {
                problems.add(unknownKey(name));
            }
        }
    }

    private static void collectSection(
            String section, YamlTree value, String source, Map<String, RawValue> settings, List<String> problems) {
        if (value instanceof YamlTree.Null) {
            return;
        }
        if (!(value instanceof YamlTree.Mapping mapping)) {
            problems.add(section + ": must be a mapping of keys, got " + YamlTree.kind(value) + " (" + source + " line "
                    + value.line() + ")");
            return;
        }
        for (Map.Entry<String, YamlTree> entry : mapping.entries().entrySet()) {
            String path = section + "." + entry.getKey();
            if (ConfigKeys.byPath(path).isPresent()) {
                settings.put(
                        path,
                        new RawValue(
                                entry.getValue(),
                                source + " line " + entry.getValue().line()));
            } else if (ConfigKeys.isSection(path)) {
                collectSection(path, entry.getValue(), source, settings, problems);
            } else {
                problems.add(unknownKey(path));
            }
        }
    }

    private static void collectEnvSettings(
            Map<String, String> env, Map<String, RawValue> settings, List<String> problems) {
        // Sorted so problems come out in a stable order whatever the map's iteration order.
        for (Map.Entry<String, String> entry : new TreeMap<>(env).entrySet()) {
            String name = entry.getKey();
            if (!name.startsWith(ConfigKeys.ENV_PREFIX) || ConfigKeys.LAUNCHER_ENV.contains(name)) {
                continue;
            }
            ConfigKeys.Key key = ConfigKeys.byEnvName(name).orElse(null);
            if (key == null) {
                problems.add("unknown environment variable " + name
                        + ConfigKeys.suggestion(name, true)
                                .map(s -> " (did you mean " + s + "?)")
                                .orElse(""));
                continue;
            }
            String value = entry.getValue() == null ? "" : entry.getValue();
            YamlTree tree = key.shape() == ConfigKeys.Shape.LIST
                    ? new YamlTree.Sequence(
                            Arrays.stream(value.split(","))
                                    .map(String::strip)
                                    .filter(item -> !item.isEmpty())
                                    .<YamlTree>map(item -> new YamlTree.Scalar(item, 0))
                                    .toList(),
                            0)
                    : new YamlTree.Scalar(value, 0);
            settings.put(key.path(), new RawValue(tree, "from " + name));
        }
    }

    private static String unknownKey(String path) {
        return "unknown key '" + path + "'"
                + ConfigKeys.suggestion(path, false)
                        .map(s -> " (did you mean '" + s + "'?)")
                        .orElse("");
    }

    private static PatgateConfig build(ConfigReader in, List<String> problems) {
        // Keys declared as settings: read by their declarations, in the order of their records.
        Function<Setting<?, ?>, Object> declared = setting -> read(in, setting, UpstreamProduct.GENERIC);
        ListenConfig listen = record(problems, () -> ListenConfig.from(declared));
        // Read first: its preset gives the rest.* defaults.
        UpstreamProduct product = read(in, UpstreamConfig.PRODUCT, UpstreamProduct.GENERIC);
        UpstreamConfig upstream = record(
                problems,
                () -> UpstreamConfig.from(
                        setting -> setting == UpstreamConfig.PRODUCT ? product : declared.apply(setting)));
        DatabaseConfig database = record(problems, () -> DatabaseConfig.from(declared));
        // The product's preset gives the defaults; keys that are set win.
        Function<Setting<?, ?>, Object> preset = setting -> read(in, setting, product);
        RestConfig rest = record(problems, () -> RestConfig.from(preset));
        IdentityConfig identity = record(
                problems,
                () -> new IdentityConfig(
                        in.choice("identity.mode", IdentityConfig.Mode.HEADER, IdentityConfig.Mode.class),
                        in.text("identity.header", "X-Forwarded-User", ConfigRules::headerName),
                        new IdentityConfig.Jwt(
                                in.text("identity.jwt.issuer", "patgate", ConfigRules::plainText),
                                in.text("identity.jwt.audience", "upstream", ConfigRules::plainText),
                                in.duration("identity.jwt.lifetime", Duration.ofSeconds(60), ConfigRules::positive),
                                in.duration("identity.jwt.keyRotation", Duration.ofDays(30), ConfigRules::positive)),
                        in.duration(
                                "identity.nativeTokenLifetime",
                                IdentityConfig.DEFAULT_NATIVE_TOKEN_LIFETIME,
                                ConfigRules::positive)));
        if (identity != null
                && identity.mode() == IdentityConfig.Mode.UPSTREAM_TOKEN
                && product == UpstreamProduct.GENERIC) {
            problems.add("identity.mode: upstream-token needs upstream.product jira, confluence or bitbucket"
                    + " (a product with native tokens to swap in)");
        }
        List<String> trustedProxies = read(in, PatgateConfig.TRUSTED_PROXIES, UpstreamProduct.GENERIC);
        if (listen != null && listen.proxyProtocol().enabled() && trustedProxies.isEmpty()) {
            problems.add(
                    ListenConfig.PROXY_PROTOCOL.key() + ": "
                            + SettingType.Choice.wireName(listen.proxyProtocol())
                            + " needs trustedProxies: the load balancers' addresses, the only peers whose PROXY header is believed");
        }
        BootstrapConfig bootstrap = record(problems, () -> BootstrapConfig.from(declared));
        TokensConfig tokens = record(problems, () -> TokensConfig.from(declared));
        AdminConfig admin = record(problems, () -> AdminConfig.from(declared));
        ApiConfig api = record(problems, () -> ApiConfig.from(declared));
        ActivityConfig activity = record(problems, () -> ActivityConfig.from(declared));
        DirectoryConfig directory = LdapKeys.read(in, problems);
        LimitsConfig limits = record(problems, () -> LimitsConfig.from(declared));
        MetricsConfig metrics = record(problems, () -> MetricsConfig.from(declared));
        NotificationsConfig notifications = record(problems, () -> NotificationsConfig.from(declared));
        ClusterConfig cluster = record(problems, () -> ClusterConfig.from(declared));
        if (!problems.isEmpty()) {
            return null;
        }
        return new PatgateConfig(
                listen,
                upstream,
                database,
                rest,
                identity,
                trustedProxies,
                bootstrap,
                tokens,
                admin,
                api,
                activity,
                directory,
                limits,
                metrics,
                notifications,
                cluster);
    }

    private static <T> T read(ConfigReader in, Setting<?, T> setting, UpstreamProduct product) {
        return in.read(setting, setting.defaultFor(product));
    }

    /**
     * Builds one section. Bad fields were already reported and replaced by defaults, so a failure
     * here is a rule across fields (e.g. an empty {@code rest.paths}); it is collected like the rest.
     */
    private static <T> T record(List<String> problems, Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (ConfigException e) {
            problems.addAll(e.problems());
            return null;
        }
    }
}
