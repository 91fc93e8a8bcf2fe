package dev.liaison.gateway.cli;

import dev.liaison.gateway.Gateway;
import dev.liaison.gateway.admin.Administration;
import dev.liaison.gateway.config.ConfigKey;
import dev.liaison.gateway.config.Configuration;
import dev.liaison.gateway.config.ConfigurationSources;
import dev.liaison.gateway.config.TlsSource;
import dev.liaison.gateway.relationship.Invitations;
import dev.liaison.gateway.relationship.RelationshipControl;
import dev.liaison.gateway.tls.TlsMaterial;
import dev.liaison.mapping.relationship.RelationshipState;
import dev.liaison.mapping.user.Login;
import dev.liaison.mapping.user.User;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code liaison demo}: two gateways in one process, each with its own embedded database and
 * domain, with users {@code alex} and {@code blair} already in a relationship — everything needed
 * to point two mail clients at it and watch mail travel end to end encrypted.
 */
@Command(name = "demo", description = "Run two connected gateways (users alex and blair) on this machine for trying Liaison.")
public final class DemoCommand implements Callable<Integer> {

    private static final int PORTS_PER_GATEWAY = 10;
    /** In each side's directory: its alias for the other side, so a restart names the same one. */
    private static final String CONTACT_FILE = "demo-contact";

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "liaison-demo",
            description = "where both gateways keep their data (default: ./${DEFAULT-VALUE})")
    Path dataDir;
    @Option(names = "--port-base", paramLabel = "N", defaultValue = "10025",
            description = "alex's gateway listens on N..N+5, blair's on N+10..N+15 (default ${DEFAULT-VALUE})")
    int portBase;
    @Option(names = "--info-file", paramLabel = "FILE", description = "also write the connection details as JSON here")
    Path infoFile;

    /** One of the two gateways: its user is its name. */
    private record Side(String name, String domain, Path dir, int firstPort) {
        int port(int offset) {
            return firstPort + offset;
        }
    }

    @Override
    public Integer call() throws Exception {
        if (portBase < 1 || portBase + 2 * PORTS_PER_GATEWAY > 65535) {
            throw new InvalidInputException("--port-base " + portBase + " leaves no room for 20 ports below 65536");
        }
        List<Side> sides = List.of(new Side("alex", "alex.localhost", dataDir.resolve("alex"), portBase),
                new Side("blair", "blair.localhost", dataDir.resolve("blair"), portBase + PORTS_PER_GATEWAY));
        Path trust = trustBundle(sides);
        List<Gateway> gateways = new java.util.concurrent.CopyOnWriteArrayList<>();
        StopSignals signals = StopSignals.install();
        Runnable stop = () -> gateways.forEach(Gateway::close);
        Thread hook = ServeCommand.shutdownHook(stop, "liaison-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook); // however the JVM ends from here on, those started stop
        for (Side side : sides) {
            gateways.add(Gateway.start(configuration(side, trust)));
        }
        Map<String, char[]> passwords = new LinkedHashMap<>();
        for (int i = 0; i < 2; i++) {
            passwords.put(sides.get(i).name(), user(gateways.get(i), sides.get(i)));
        }
        Map<String, String> aliases = connect(sides, gateways);
        report(sides, passwords, aliases);
        return ServeCommand.serveUntilStopped(signals, hook, stop);
    }

    private Configuration configuration(Side side, Path trust) throws IOException {
        ConfigurationSources sources = new ConfigurationSources();
        Map<ConfigKey, String> values = new LinkedHashMap<>();
        values.put(ConfigKey.DOMAIN, side.domain());
        values.put(ConfigKey.DATA_DIR, side.dir().toAbsolutePath().toString());
        values.put(ConfigKey.BIND_ADDRESS, "127.0.0.1");
        values.put(ConfigKey.SMTP_SUBMISSION_PORT, String.valueOf(side.port(0)));
        values.put(ConfigKey.SMTP_SUBMISSIONS_PORT, String.valueOf(side.port(1)));
        values.put(ConfigKey.IMAP_PORT, String.valueOf(side.port(2)));
        values.put(ConfigKey.IMAPS_PORT, String.valueOf(side.port(3)));
        values.put(ConfigKey.HTTP_PORT, String.valueOf(side.port(4)));
        values.put(ConfigKey.SMTP_INBOUND_PORT, String.valueOf(side.port(5)));
        values.put(ConfigKey.HTTP_PUBLIC_URL, "https://localhost:" + side.port(4));
        values.put(ConfigKey.RELAY_TRUSTED_CERTIFICATES, trust.toAbsolutePath().toString());
        values.put(ConfigKey.RELAY_PRIVATE_DESTINATIONS, "true"); // both gateways are on this machine
        values.forEach((k, v) -> sources.option(k.key(), v));
        writeAdminConfiguration(side, values);
        return sources.resolve();
    }

    /**
     * The side's settings as a {@code liaison.conf}, so admin commands ({@code --config} it) act on
     * this gateway: without it they would use the defaults (domain {@code localhost}, port 8443)
     * and, say, hand out invitations nobody can reach.
     */
    private static void writeAdminConfiguration(Side side, Map<ConfigKey, String> values) throws IOException {
        StringBuilder conf = new StringBuilder("# Written by liaison demo at each start: the settings of the demo's gateway "
                + side.name() + ".\n# Use it with admin commands: liaison user list --config " + adminConfiguration(side) + "\n");
        values.forEach((key, value) -> conf.append(key.key()).append(" = ")
                .append(value.replace("\\", "\\\\")).append('\n'));
        Files.createDirectories(side.dir());
        Files.writeString(adminConfiguration(side), conf, StandardCharsets.UTF_8);
    }

    private static Path adminConfiguration(Side side) {
        return side.dir().toAbsolutePath().resolve("liaison.conf");
    }

    /** Each gateway's self-signed certificate, made now if new, trusted by the other. */
    private Path trustBundle(List<Side> sides) throws IOException {
        StringBuilder pem = new StringBuilder();
        for (Side side : sides) {
            Path tls = side.dir().resolve("tls");
            Files.createDirectories(tls);
            TlsMaterial.load(new TlsSource.Generated(tls), side.domain());
            pem.append(Files.readString(tls.resolve("certificate.pem")));
        }
        Path bundle = dataDir.resolve("peers.pem");
        Files.writeString(bundle, pem);
        return bundle;
    }

    /** The side's user, created on the first run; its password kept (owner-only) for the next runs. */
    private char[] user(Gateway gateway, Side side) throws IOException, SQLException {
        Path file = side.dir().resolve("demo-password");
        Administration admin = new Administration(gateway.database(), side.domain());
        Login login = Login.of(side.name());
        Optional<User> existing = admin.users().stream().filter(u -> u.login().equals(login)).findFirst();
        if (existing.isPresent() && Files.isRegularFile(file)) {
            return Files.readString(file).strip().toCharArray();
        }
        char[] password = Passwords.generate();
        if (existing.isPresent()) {
            admin.changePassword(login, password);
        } else {
            admin.addUser(login, capitalised(side.name()), password);
        }
        Files.writeString(file, new String(password) + "\n", StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the data directory's own permissions protect it
        }
        return password;
    }

    /**
     * Alex's and Blair's aliases for each other, establishing the relationship on the first run.
     * Each side keeps its alias for the other in its directory: the users' other relationships
     * (people they invited, plain-email correspondents) are no one the demo may point them to.
     */
    private Map<String, String> connect(List<Side> sides, List<Gateway> gateways) throws Exception {
        Side alexSide = sides.get(0);
        Side blairSide = sides.get(1);
        Gateway alex = gateways.get(0);
        Gateway blair = gateways.get(1);
        Optional<String> a = remembered(alex, alexSide);
        Optional<String> b = remembered(blair, blairSide);
        if (a.isEmpty() || b.isEmpty()) {
            // a data directory of a release that kept no contact file: the relationship made then
            a = onlyActiveWith(alex, "alex", "Blair");
            b = onlyActiveWith(blair, "blair", "Alex");
        }
        if (a.isEmpty() || b.isEmpty()) {
            List<String> alexBefore = activeAliases(alex, "alex");
            List<String> blairBefore = activeAliases(blair, "blair");
            Invitations.Issued issued = alex.database().inTransaction(c -> alex.relay().invitations()
                    .create(c, Login.of("alex"), "Alex", Invitations.DEFAULT_LIFETIME));
            blair.database().inTransaction(c -> blair.relay().invitations()
                    .accept(c, Login.of("blair"), "Blair", issued.token()));
            long deadline = System.nanoTime() + 60_000_000_000L;
            while ((a = added(alex, "alex", alexBefore)).isEmpty() || (b = added(blair, "blair", blairBefore)).isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the demo gateways did not connect within 60 s; see the log above");
                }
                Thread.sleep(100);
            }
        }
        Files.writeString(alexSide.dir().resolve(CONTACT_FILE), a.get() + "\n", StandardCharsets.UTF_8);
        Files.writeString(blairSide.dir().resolve(CONTACT_FILE), b.get() + "\n", StandardCharsets.UTF_8);
        return Map.of("alex", a.get(), "blair", b.get());
    }

    /** The side's alias for the other from an earlier run, if that relationship is still active. */
    private static Optional<String> remembered(Gateway gateway, Side side) throws IOException {
        Path file = side.dir().resolve(CONTACT_FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        String alias = Files.readString(file, StandardCharsets.UTF_8).strip();
        return activeAliases(gateway, side.name()).contains(alias) ? Optional.of(alias) : Optional.empty();
    }

    /**
     * The alias of {@code user}'s one active relationship with a peer named {@code peer} (the name
     * the demo gives each side), if there is exactly one: more, and the demo cannot tell which.
     */
    private static Optional<String> onlyActiveWith(Gateway gateway, String user, String peer) {
        List<String> aliases = gateway.database().inTransaction(c -> gateway.relay().control().list(c, Login.of(user))
                .stream().filter(r -> r.state() == RelationshipState.ACTIVE && r.peerName().equals(peer))
                .map(RelationshipControl.Listed::alias).flatMap(Optional::stream).toList());
        return aliases.size() == 1 ? Optional.of(aliases.get(0)) : Optional.empty();
    }

    /** An active alias of {@code user} that was not among {@code before}: the relationship just made. */
    private static Optional<String> added(Gateway gateway, String user, List<String> before) {
        return activeAliases(gateway, user).stream().filter(alias -> !before.contains(alias)).findFirst();
    }

    private static List<String> activeAliases(Gateway gateway, String user) {
        return gateway.database().inTransaction(c -> gateway.relay().control().list(c, Login.of(user)).stream()
                .filter(r -> r.state() == RelationshipState.ACTIVE).map(RelationshipControl.Listed::alias)
                .flatMap(Optional::stream).toList());
    }

    private void report(List<Side> sides, Map<String, char[]> passwords, Map<String, String> aliases) throws IOException {
        List<Object> gateways = new ArrayList<>();
        StringBuilder text = new StringBuilder("\nLiaison demo: two gateways, connected. Stop with Ctrl-C.\n");
        for (Side side : sides) {
            Side other = sides.get(side == sides.get(0) ? 1 : 0);
            String password = new String(passwords.get(side.name()));
            Map<String, Object> g = new LinkedHashMap<>();
            g.put("name", side.name());
            g.put("domain", side.domain());
            g.put("smtp", endpoint(side.port(0)));
            g.put("imap", endpoint(side.port(2)));
            g.put("login", side.name());
            g.put("password", password);
            Map<String, Object> contact = new LinkedHashMap<>();
            contact.put("name", other.name());
            contact.put("alias", aliases.get(side.name()));
            g.put("contacts", List.of(contact));
            gateways.add(g);
            text.append(String.format("%n  %s@%s%n    SMTP  127.0.0.1:%d STARTTLS (or %d TLS)%n"
                            + "    IMAP  127.0.0.1:%d STARTTLS (or %d TLS)%n    login %s  password %s%n"
                            + "    write to %s at %s%n    admin commands: liaison <command> --config %s%n", side.name(),
                    side.domain(), side.port(0), side.port(1), side.port(2), side.port(3), side.name(), password,
                    other.name(), aliases.get(side.name()), adminConfiguration(side)));
        }
        text.append("\n  Certificates are self-signed (").append(dataDir.resolve("peers.pem").toAbsolutePath())
                .append("): accept them in your mail client.\n");
        System.out.println(text);
        System.out.flush();
        if (infoFile != null) {
            // it holds the passwords: a temporary file is its owner's only (rw-------) from the start,
            // and the move makes it appear whole to a script waiting for it
            Path target = infoFile.toAbsolutePath();
            Path written = Files.createTempFile(target.getParent(), ".liaison-demo-", ".json");
            Files.writeString(written, JsonOutput.json(Map.of("gateways", gateways)) + "\n");
            Files.move(written, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private static Map<String, Object> endpoint(int port) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("host", "127.0.0.1");
        e.put("port", port);
        e.put("security", "starttls");
        return e;
    }

    private static String capitalised(String name) {
        return Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }
}
