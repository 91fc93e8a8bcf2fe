package dev.liaison.gateway.config;

import dev.liaison.mapping.user.Login;

import dev.liaison.mapping.correspondent.LegacyFrom;
import dev.liaison.mapping.database.DatabaseLocation;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Optional;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The validated configuration: every value parsed once, at start-up, so a bad value fails there
 * with a message naming the key and not later in some listener.
 */
public final class Configuration {

    private static final Pattern DOMAIN = Pattern.compile(
            "(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*");

    private final Map<ConfigKey, ConfigurationSources.Value> raw;
    private final String domain;
    private final Path dataDir;
    private final DatabaseLocation database;
    private final Map<ConfigKey, Integer> ports = new EnumMap<>(ConfigKey.class);
    private final InetAddress bindAddress;
    private final TlsSource tls;
    private final boolean httpTls;
    private final Duration relayExpiry;
    private final int relayDestinationConcurrency;
    private final URI publicUrl;
    private final Optional<Path> trustedCertificates;
    private final Duration keyRotation;
    private final boolean privateDestinations;
    private final Optional<LegacySmarthost> legacySmarthost;
    private final boolean legacyDirectMx;
    private final LegacyFrom legacyFrom;
    private final String dkimSelector;
    private final Optional<Login> postmaster;
    private final boolean metricsFromAnywhere;
    private final Optional<String> mailClientHost;
    /** Listener port key to the client-facing port set for it; a listener without one is told as bound. */
    private final Map<ConfigKey, Integer> clientPorts = new EnumMap<>(ConfigKey.class);

    /** The listener each client-facing port key stands for. */
    private static final Map<ConfigKey, ConfigKey> CLIENT_PORTS = Map.of(
            ConfigKey.SMTP_SUBMISSION_PORT, ConfigKey.MAIL_CLIENT_SUBMISSION_PORT,
            ConfigKey.SMTP_SUBMISSIONS_PORT, ConfigKey.MAIL_CLIENT_SUBMISSIONS_PORT,
            ConfigKey.IMAP_PORT, ConfigKey.MAIL_CLIENT_IMAP_PORT,
            ConfigKey.IMAPS_PORT, ConfigKey.MAIL_CLIENT_IMAPS_PORT);

    private Configuration(Map<ConfigKey, ConfigurationSources.Value> raw) {
        this.raw = new EnumMap<>(raw);
        this.domain = domain(ConfigKey.DOMAIN);
        this.dataDir = path(ConfigKey.DATA_DIR);
        this.database = parseDatabase();
        for (ConfigKey key : new ConfigKey[]{ConfigKey.SMTP_SUBMISSION_PORT, ConfigKey.SMTP_SUBMISSIONS_PORT,
                ConfigKey.SMTP_INBOUND_PORT, ConfigKey.IMAP_PORT, ConfigKey.IMAPS_PORT, ConfigKey.HTTP_PORT}) {
            int port = parsePort(key);
            ports.entrySet().stream().filter(e -> port != 0 && e.getValue() == port).findFirst().ifPresent(e -> {
                throw invalid(key, "is also " + e.getKey().key() + "'s port; every listener needs its own");
            });
            ports.put(key, port);
        }
        this.bindAddress = address(ConfigKey.BIND_ADDRESS);
        this.tls = parseTls();
        this.httpTls = parseBoolean(ConfigKey.HTTP_TLS);
        this.relayExpiry = parseDuration(ConfigKey.RELAY_EXPIRY);
        if (relayExpiry.compareTo(Duration.ofDays(90)) > 0) {
            throw invalid(ConfigKey.RELAY_EXPIRY, "is longer than 90 days (RFC 5321 section 4.5.4.1 suggests 4 to 5)");
        }
        this.relayDestinationConcurrency = parseInt(ConfigKey.RELAY_DESTINATION_CONCURRENCY, 1, 64);
        this.publicUrl = parsePublicUrl();
        this.mailClientHost = parseMailClientHost();
        CLIENT_PORTS.forEach((listener, client) -> {
            if (!value(client).isEmpty()) {
                clientPorts.put(listener, parseInt(client, 1, 65535));
            }
        });
        this.trustedCertificates = value(ConfigKey.RELAY_TRUSTED_CERTIFICATES).isEmpty() ? Optional.empty()
                : Optional.of(path(ConfigKey.RELAY_TRUSTED_CERTIFICATES));
        this.keyRotation = parseDuration(ConfigKey.RELAY_KEY_ROTATION);
        this.privateDestinations = parseBoolean(ConfigKey.RELAY_PRIVATE_DESTINATIONS);
        if (keyRotation.compareTo(Duration.ofHours(1)) < 0) {
            throw invalid(ConfigKey.RELAY_KEY_ROTATION, "is shorter than one hour");
        }
        this.legacySmarthost = parseLegacySmarthost();
        this.legacyDirectMx = parseBoolean(ConfigKey.LEGACY_DIRECT_MX);
        this.legacyFrom = parseLegacyFrom();
        this.dkimSelector = parseDkimSelector();
        this.postmaster = parsePostmaster();
        this.metricsFromAnywhere = switch (value(ConfigKey.HTTP_METRICS_FROM).toLowerCase(Locale.ROOT)) {
            case "private" -> false;
            case "any" -> true;
            default -> throw invalid(ConfigKey.HTTP_METRICS_FROM, "is not private or any");
        };
    }

    static Configuration of(Map<ConfigKey, ConfigurationSources.Value> raw) {
        return new Configuration(raw);
    }

    /** Defaults only, with some keys overridden; for tests and embedded use. */
    public static Configuration defaultsWith(Map<String, String> overrides) {
        ConfigurationSources sources = new ConfigurationSources();
        overrides.forEach(sources::option);
        return sources.resolve();
    }

    public String domain() {
        return domain;
    }

    public Path dataDir() {
        return dataDir;
    }

    public DatabaseLocation database() {
        return database;
    }

    /** A listener port (0: any free port). */
    public int port(ConfigKey key) {
        Integer port = ports.get(key);
        if (port == null) {
            throw new IllegalArgumentException(key.key() + " is not a port key");
        }
        return port;
    }

    public InetAddress bindAddress() {
        return bindAddress;
    }

    public TlsSource tls() {
        return tls;
    }

    /** {@code http.tls}: false only for loopback tests. */
    public boolean httpTls() {
        return httpTls;
    }

    public Duration relayExpiry() {
        return relayExpiry;
    }

    public int relayDestinationConcurrency() {
        return relayDestinationConcurrency;
    }

    /**
     * The base URL peers reach this gateway's receiving service at (no path). With port 0 and no
     * explicit URL it names port 0; the gateway then substitutes the bound port.
     */
    public URI publicUrl() {
        return publicUrl;
    }

    /**
     * The names a generated (self-signed) certificate must cover besides localhost and 127.0.0.1:
     * the domain and, when {@code http.public-url} or {@code mail.client-host} names another host,
     * that host (peers, resp. mail clients, are told to connect to it).
     */
    public java.util.List<String> generatedCertificateNames() {
        String host = publicUrlDerived() || publicUrl.getHost() == null ? domain
                : publicUrl.getHost().toLowerCase(Locale.ROOT).replaceAll("^\\[|\\]$", "");
        java.util.Set<String> names = new java.util.LinkedHashSet<>(java.util.List.of(domain, host));
        mailClientHost.map(h -> h.replaceAll("^\\[|\\]$", "")).ifPresent(names::add);
        return java.util.List.copyOf(names);
    }

    /**
     * The host mail clients are told to connect to (autoconfiguration, the Apple profile):
     * {@code mail.client-host}, else the host of {@code http.public-url} when the administrator set
     * it (the gateway is reachable under that name), else the domain.
     */
    public String mailClientHost() {
        return mailClientHost.orElseGet(() -> publicUrlDerived() || publicUrl.getHost() == null ? domain
                : publicUrl.getHost());
    }

    /**
     * The port mail clients are told for a listener ({@code listener}: smtp.submission.port,
     * smtp.submissions.port, imap.port or imaps.port): its {@code mail.client-*-port} when set (a
     * proxy or container runtime publishes the listener on another port), else {@code bound}.
     */
    public int clientPort(ConfigKey listener, int bound) {
        if (!CLIENT_PORTS.containsKey(listener)) {
            throw new IllegalArgumentException(listener.key() + " is no mail client listener");
        }
        return clientPorts.getOrDefault(listener, bound);
    }

    /** Whether {@code http.public-url} was left to its default (derived from domain and port). */
    public boolean publicUrlDerived() {
        return value(ConfigKey.HTTP_PUBLIC_URL).isEmpty();
    }

    public Optional<Path> trustedCertificates() {
        return trustedCertificates;
    }

    public Duration keyRotation() {
        return keyRotation;
    }

    /** {@code relay.private-destinations}: may envelopes go to loopback or private addresses? */
    public boolean privateDestinations() {
        return privateDestinations;
    }

    /** {@code legacy.relay.*}: the smarthost for plain email, if one is configured. */
    public Optional<LegacySmarthost> legacySmarthost() {
        return legacySmarthost;
    }

    /** {@code legacy.direct-mx}: deliver plain email to the recipients' MX hosts when no smarthost is set. */
    public boolean legacyDirectMx() {
        return legacyDirectMx;
    }

    /** {@code legacy.from}: the address plain email leaves from, for users without a choice of their own. */
    public LegacyFrom legacyFrom() {
        return legacyFrom;
    }

    private LegacyFrom parseLegacyFrom() {
        try {
            return LegacyFrom.parse(value(ConfigKey.LEGACY_FROM));
        } catch (IllegalArgumentException e) {
            throw invalid(ConfigKey.LEGACY_FROM, e.getMessage());
        }
    }

    /** {@code dkim.selector}, lower-cased. */
    /** Whether /metrics answers any address, not only this machine and private networks. */
    public boolean metricsFromAnywhere() {
        return metricsFromAnywhere;
    }

    /** Whose INBOX takes mail to postmaster@domain; empty: the MX refuses it. */
    public Optional<Login> postmaster() {
        return postmaster;
    }

    public String dkimSelector() {
        return dkimSelector;
    }

    /**
     * A duration as administrators write it: {@code 30s}, {@code 90m}, {@code 12h}, {@code 5d}, or
     * ISO-8601 ({@code P5D}); positive. {@link IllegalArgumentException} otherwise.
     */
    /** The longest duration anything here is configured with. */
    private static final Duration LONGEST = Duration.ofDays(3653);

    public static Duration durationOf(String text) {
        String t = text.strip();
        Duration d;
        try {
            if (t.startsWith("P") || t.startsWith("p")) {
                d = Duration.parse(t);
            } else {
                long amount = Long.parseLong(t.substring(0, t.length() - 1));
                d = switch (t.charAt(t.length() - 1)) {
                    case 's' -> Duration.ofSeconds(amount);
                    case 'm' -> Duration.ofMinutes(amount);
                    case 'h' -> Duration.ofHours(amount);
                    case 'd' -> Duration.ofDays(amount);
                    default -> throw new IllegalArgumentException();
                };
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (e.g. 5d, 12h, 90m, 30s or P5D)");
        }
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("'" + text + "' is not a positive duration");
        }
        if (d.compareTo(LONGEST) > 0) {
            // a timestamp that far ahead is out of PostgreSQL's range: every queued item would fail
            throw new IllegalArgumentException("'" + text + "' is longer than ten years");
        }
        return d;
    }

    private boolean parseBoolean(ConfigKey key) {
        return switch (value(key).toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid(key, "is not true or false");
        };
    }

    private Duration parseDuration(ConfigKey key) {
        try {
            return durationOf(value(key));
        } catch (IllegalArgumentException e) {
            throw invalid(key, "is not a positive duration of at most ten years (e.g. 5d, 12h, 90m, 30s or P5D)");
        }
    }

    private int parseInt(ConfigKey key, int min, int max) {
        try {
            int v = Integer.parseInt(value(key));
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(key, "is not a whole number from " + min + " to " + max);
    }

    private String value(ConfigKey key) {
        return raw.get(key).raw();
    }

    private ConfigurationException invalid(ConfigKey key, String problem) {
        var v = raw.get(key);
        return new ConfigurationException("configuration key '" + key.key() + "' (from " + v.origin() + "): '"
                + (isSecret(key) ? "<masked>" : key == ConfigKey.DATABASE_URL ? DatabaseLocation.External.shown(v.raw())
                : v.raw()) + "' " + problem);
    }

    private static boolean isSecret(ConfigKey key) {
        return key == ConfigKey.DATABASE_PASSWORD || key == ConfigKey.LEGACY_RELAY_PASSWORD;
    }

    private String domain(ConfigKey key) {
        String value = value(key).toLowerCase(Locale.ROOT);
        if (!DOMAIN.matcher(value).matches()) {
            throw invalid(key, "is not a domain name (letters, digits, '-', separated by '.')");
        }
        return value;
    }

    private Path path(ConfigKey key) {
        if (value(key).isEmpty()) {
            throw invalid(key, "must not be empty");
        }
        try {
            return Path.of(value(key)).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw invalid(key, "is not a path: " + e.getReason());
        }
    }

    private int parsePort(ConfigKey key) {
        try {
            int port = Integer.parseInt(value(key));
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(key, "is not a port (0-65535; 0 picks a free port)");
    }

    private InetAddress address(ConfigKey key) {
        String value = value(key);
        if (!value.matches("[0-9.]+|[0-9a-fA-F:]+")) { // literals only: no DNS lookup at start-up
            throw invalid(key, "is not an IP address");
        }
        try {
            return InetAddress.getByName(value);
        } catch (UnknownHostException e) {
            throw invalid(key, "is not an IP address");
        }
    }

    private URI parsePublicUrl() {
        String value = value(ConfigKey.HTTP_PUBLIC_URL);
        if (value.isEmpty()) {
            return URI.create("https://" + domain + ":" + port(ConfigKey.HTTP_PORT));
        }
        try {
            URI uri = new URI(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
            if ("https".equals(uri.getScheme()) && uri.getHost() != null && (uri.getPath() == null || uri.getPath().isEmpty())
                    && uri.getQuery() == null && uri.getFragment() == null && uri.getUserInfo() == null
                    && value.length() <= 200) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw invalid(ConfigKey.HTTP_PUBLIC_URL, "is not an https://host[:port] URL without a path");
    }

    private Optional<String> parseMailClientHost() {
        String host = value(ConfigKey.MAIL_CLIENT_HOST).toLowerCase(Locale.ROOT);
        if (host.isEmpty()) {
            return Optional.empty();
        }
        if (!DOMAIN.matcher(host).matches() && !host.matches("[0-9.]{7,15}|\\[[0-9a-f:.]{2,45}\\]")) {
            throw invalid(ConfigKey.MAIL_CLIENT_HOST, "is not a host name or IP address ([::1] for IPv6)");
        }
        return Optional.of(host);
    }

    private DatabaseLocation parseDatabase() {
        String url = value(ConfigKey.DATABASE_URL);
        if (url.isEmpty()) {
            for (ConfigKey key : new ConfigKey[]{ConfigKey.DATABASE_USER, ConfigKey.DATABASE_PASSWORD}) {
                if (!value(key).isEmpty()) {
                    throw invalid(key, "is set but database.url is not (the embedded database needs neither)");
                }
            }
            return new DatabaseLocation.Embedded(dataDir);
        }
        if (!url.startsWith("jdbc:postgresql://")) {
            throw invalid(ConfigKey.DATABASE_URL, "is not a PostgreSQL JDBC URL (jdbc:postgresql://host:port/database)");
        }
        return new DatabaseLocation.External(url, value(ConfigKey.DATABASE_USER), value(ConfigKey.DATABASE_PASSWORD));
    }

    private TlsSource parseTls() {
        boolean hasCertificate = !value(ConfigKey.TLS_CERTIFICATE).isEmpty();
        boolean hasKey = !value(ConfigKey.TLS_PRIVATE_KEY).isEmpty();
        if (hasCertificate != hasKey) {
            ConfigKey missing = hasCertificate ? ConfigKey.TLS_PRIVATE_KEY : ConfigKey.TLS_CERTIFICATE;
            throw invalid(missing, "must be set together with "
                    + (hasCertificate ? ConfigKey.TLS_CERTIFICATE : ConfigKey.TLS_PRIVATE_KEY).key());
        }
        return hasCertificate
                ? new TlsSource.Files(path(ConfigKey.TLS_CERTIFICATE), path(ConfigKey.TLS_PRIVATE_KEY))
                : new TlsSource.Generated(dataDir.resolve("tls"));
    }

    private Optional<LegacySmarthost> parseLegacySmarthost() {
        String host = value(ConfigKey.LEGACY_RELAY_HOST).toLowerCase(Locale.ROOT);
        String user = value(ConfigKey.LEGACY_RELAY_USER);
        String password = value(ConfigKey.LEGACY_RELAY_PASSWORD);
        LegacySmarthost.Security security = switch (value(ConfigKey.LEGACY_RELAY_TLS).toLowerCase(Locale.ROOT)) {
            case "starttls" -> LegacySmarthost.Security.STARTTLS;
            case "tls" -> LegacySmarthost.Security.TLS;
            case "none" -> LegacySmarthost.Security.NONE;
            default -> throw invalid(ConfigKey.LEGACY_RELAY_TLS, "is not starttls, tls or none");
        };
        if (host.isEmpty()) {
            for (ConfigKey key : new ConfigKey[]{ConfigKey.LEGACY_RELAY_PORT, ConfigKey.LEGACY_RELAY_USER,
                    ConfigKey.LEGACY_RELAY_PASSWORD}) {
                if (!value(key).isEmpty()) {
                    throw invalid(key, "is set but legacy.relay.host is not");
                }
            }
            return Optional.empty();
        }
        if (!DOMAIN.matcher(host).matches() && !host.matches("[0-9.]{7,15}|\\[[0-9a-f:.]{2,45}\\]")) {
            throw invalid(ConfigKey.LEGACY_RELAY_HOST, "is not a host name or IP address ([::1] for IPv6)");
        }
        if (user.isEmpty() != password.isEmpty()) {
            throw invalid(user.isEmpty() ? ConfigKey.LEGACY_RELAY_PASSWORD : ConfigKey.LEGACY_RELAY_USER,
                    "must be set together with " + (user.isEmpty() ? "legacy.relay.user" : "legacy.relay.password"));
        }
        if (!user.isEmpty() && security == LegacySmarthost.Security.NONE) {
            throw invalid(ConfigKey.LEGACY_RELAY_TLS, "would send legacy.relay.password unencrypted; use starttls or tls");
        }
        int port = value(ConfigKey.LEGACY_RELAY_PORT).isEmpty() ? security.defaultPort()
                : parseInt(ConfigKey.LEGACY_RELAY_PORT, 1, 65535);
        return Optional.of(new LegacySmarthost(host, port, security, user, password));
    }

    private Optional<Login> parsePostmaster() {
        String login = value(ConfigKey.POSTMASTER);
        if (login.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Login.of(login));
        } catch (RuntimeException e) {
            throw invalid(ConfigKey.POSTMASTER, "is not a login (" + e.getMessage() + ")");
        }
    }

    private String parseDkimSelector() {
        String selector = value(ConfigKey.DKIM_SELECTOR).toLowerCase(Locale.ROOT);
        // RFC 6376 §3.1: a selector is one or more DNS labels
        if (!DOMAIN.matcher(selector).matches() || selector.length() > 63) {
            throw invalid(ConfigKey.DKIM_SELECTOR, "is not a DKIM selector (DNS labels: letters, digits, '-', '.'; at most 63)");
        }
        return selector;
    }

    /**
     * Every key with its effective value and origin, passwords masked (for {@code liaison config}).
     * A key left unset whose value is worked out from others shows that value, its origin saying so
     * ("default, derived from domain and http.port"); paths are shown absolute, as they are used.
     */
    public Map<ConfigKey, ConfigurationSources.Value> describe() {
        Map<ConfigKey, ConfigurationSources.Value> copy = new EnumMap<>(raw);
        for (ConfigKey secret : new ConfigKey[]{ConfigKey.DATABASE_PASSWORD, ConfigKey.LEGACY_RELAY_PASSWORD}) {
            copy.computeIfPresent(secret, (k, v) ->
                    new ConfigurationSources.Value(v.raw().isEmpty() ? "" : "<masked>", v.origin()));
        }
        copy.computeIfPresent(ConfigKey.DATABASE_URL, (k, v) ->
                new ConfigurationSources.Value(DatabaseLocation.External.shown(v.raw()), v.origin()));
        copy.put(ConfigKey.DATA_DIR, new ConfigurationSources.Value(dataDir.toString(), raw.get(ConfigKey.DATA_DIR).origin()));
        if (database instanceof DatabaseLocation.Embedded embedded) {
            derived(copy, ConfigKey.DATABASE_URL, "", "unset: embedded PostgreSQL in "
                    + embedded.dataDir().resolve("postgres"));
        }
        if (publicUrlDerived()) {
            int port = port(ConfigKey.HTTP_PORT);
            derived(copy, ConfigKey.HTTP_PUBLIC_URL, port == 0 ? "https://" + domain + ":<bound port>" : publicUrl.toString(),
                    "derived from domain and http.port");
        }
        if (tls instanceof TlsSource.Generated generated) {
            String why = "derived: self-signed for " + String.join(", ", generatedCertificateNames())
                    + ", generated in data-dir";
            derived(copy, ConfigKey.TLS_CERTIFICATE, generated.directory().resolve("certificate.pem").toString(), why);
            derived(copy, ConfigKey.TLS_PRIVATE_KEY, generated.directory().resolve("private-key.pem").toString(), why);
        } else if (tls instanceof TlsSource.Files files) {
            copy.put(ConfigKey.TLS_CERTIFICATE, new ConfigurationSources.Value(files.certificate().toString(),
                    raw.get(ConfigKey.TLS_CERTIFICATE).origin()));
            copy.put(ConfigKey.TLS_PRIVATE_KEY, new ConfigurationSources.Value(files.privateKey().toString(),
                    raw.get(ConfigKey.TLS_PRIVATE_KEY).origin()));
        }
        trustedCertificates.ifPresent(path -> copy.put(ConfigKey.RELAY_TRUSTED_CERTIFICATES,
                new ConfigurationSources.Value(path.toString(), raw.get(ConfigKey.RELAY_TRUSTED_CERTIFICATES).origin())));
        if (mailClientHost.isEmpty()) {
            derived(copy, ConfigKey.MAIL_CLIENT_HOST, mailClientHost(),
                    publicUrlDerived() ? "derived from domain" : "derived from http.public-url");
        }
        CLIENT_PORTS.forEach((listener, client) -> {
            if (!clientPorts.containsKey(listener)) {
                int port = port(listener);
                derived(copy, client, port == 0 ? "<bound port>" : String.valueOf(port), "derived from " + listener.key());
            }
        });
        legacySmarthost.filter(h -> value(ConfigKey.LEGACY_RELAY_PORT).isEmpty()).ifPresent(h ->
                derived(copy, ConfigKey.LEGACY_RELAY_PORT, String.valueOf(h.port()), "derived from legacy.relay.tls"));
        return copy;
    }

    /** An unset key's value worked out from others: shown with {@code how} after its origin. */
    private static void derived(Map<ConfigKey, ConfigurationSources.Value> values, ConfigKey key, String value,
                                String how) {
        values.put(key, new ConfigurationSources.Value(value, values.get(key).origin() + ", " + how));
    }
}
