package dev.liaison.gateway.relationship;

import dev.liaison.gateway.Gateway;
import dev.liaison.gateway.Relay;
import dev.liaison.gateway.admin.Administration;
import dev.liaison.gateway.config.Configuration;
import dev.liaison.gateway.config.TlsSource;
import dev.liaison.gateway.tls.TlsMaterial;
import dev.liaison.gateway.tls.TrustingClients;
import dev.liaison.mapping.database.DatabaseLocation;
import dev.liaison.mapping.database.TestPostgres;
import dev.liaison.mapping.relationship.RelationshipState;
import dev.liaison.mapping.user.Login;
import dev.liaison.smtp.dns.DnsLookup;
import dev.liaison.smtp.dns.DnsRecordType;

import javax.net.ssl.SSLSocketFactory;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Two whole gateways in this JVM, each with its own database, domain, certificate and ports, that
 * trust each other's self-signed certificate and relay to each other over HTTPS on loopback.
 */
final class GatewayPair implements AutoCloseable {

    final Node alex;
    final Node blair;

    GatewayPair(TestPostgres postgres, Path dir) throws IOException {
        this(postgres, dir, java.time.Clock.systemUTC());
    }

    /** @param alexRelayClock what alex's relay goes by (a test moves it to age addresses) */
    GatewayPair(TestPostgres postgres, Path dir, java.time.Clock alexRelayClock) throws IOException {
        this(postgres, dir, alexRelayClock, Map.of(), Map.of());
    }

    /** With more configuration for each node's first start. */
    GatewayPair(TestPostgres postgres, Path dir, java.time.Clock alexRelayClock, Map<String, String> alexExtra,
                Map<String, String> blairExtra) throws IOException {
        this(postgres, dir, alexRelayClock, alexExtra, blairExtra, (name, type) -> List.of());
    }

    /**
     * @param senderDns what both MXs' SPF, DKIM and DMARC checks look up (e.g. {@link #LOOPBACK_SPF})
     */
    GatewayPair(TestPostgres postgres, Path dir, java.time.Clock alexRelayClock, Map<String, String> alexExtra,
                Map<String, String> blairExtra, DnsLookup senderDns) throws IOException {
        alex = new Node("alex", "alex.test", postgres.freshLocation(), dir.resolve("alex"));
        blair = new Node("blair", "blair.test", postgres.freshLocation(), dir.resolve("blair"));
        alex.extra.putAll(alexExtra);
        blair.extra.putAll(blairExtra);
        Path bundle = dir.resolve("peers.pem");
        Files.writeString(bundle, alex.certificatePem() + blair.certificatePem());
        alex.trust = bundle;
        alex.clock = alexRelayClock;
        alex.senderDns = senderDns;
        blair.senderDns = senderDns;
        blair.trust = bundle;
        alex.start();
        blair.start();
    }

    /** One gateway; can be stopped and started again on the same database, data and ports. */
    static final class Node {
        final String user;
        final String domain;
        final String password;
        /** Where the node's data is; a test may move it (to a database a backup was restored into). */
        DatabaseLocation.External db;
        final Path dataDir;
        final int httpPort;
        Path trust;
        /** More configuration keys for the next {@link #start()} (e.g. {@code relay.expiry}). */
        final Map<String, String> extra = new HashMap<>();
        Gateway gateway;
        Administration admin;
        java.time.Clock clock = java.time.Clock.systemUTC();
        /** No name server in a test sandbox: by default the MX's SPF/DKIM/DMARC lookups find no records. */
        DnsLookup senderDns = (name, type) -> List.of();

        Node(String user, String domain, DatabaseLocation.External db, Path dataDir) throws IOException {
            this.user = user;
            this.domain = domain;
            this.password = user + "-pw";
            this.db = db;
            this.dataDir = dataDir;
            this.httpPort = freePort();
            Files.createDirectories(dataDir);
        }

        String certificatePem() {
            TlsMaterial.load(new TlsSource.Generated(dataDir.resolve("tls")), domain);
            try {
                return Files.readString(dataDir.resolve("tls").resolve("certificate.pem"));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        Configuration configuration() {
            Map<String, String> settings = new HashMap<>(Map.of("domain", domain, "data-dir", dataDir.toString(),
                    "bind-address", "127.0.0.1", "smtp.submission.port", "0", "smtp.submissions.port", "0",
                    "smtp.inbound.port", "0",
                    "imap.port", "0", "imaps.port", "0", "http.port", String.valueOf(httpPort),
                    "http.public-url", "https://localhost:" + httpPort));
            settings.putAll(Map.of("database.url", db.url(), "database.user", db.user(), "database.password", db.password(),
                    "relay.trusted-certificates", trust.toString(), "relay.private-destinations", "true"));
            settings.putAll(extra);
            return Configuration.defaultsWith(settings);
        }

        void start() {
            gateway = Gateway.start(configuration(), clock, senderDns);
            admin = new Administration(gateway.database(), domain);
        }

        void stop() {
            if (gateway != null) {
                gateway.close();
                gateway = null;
            }
        }

        /**
         * The rows {@code sql} selects, straight from this node's database over JDBC, so that it
         * works while the gateway is stopped too.
         */
        List<Object[]> rows(String sql, Object... parameters) {
            try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
                 PreparedStatement s = c.prepareStatement(sql)) {
                for (int i = 0; i < parameters.length; i++) {
                    s.setObject(i + 1, parameters[i]);
                }
                List<Object[]> rows = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    int columns = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        Object[] row = new Object[columns];
                        for (int i = 0; i < columns; i++) {
                            row[i] = rs.getObject(i + 1);
                        }
                        rows.add(row);
                    }
                }
                return rows;
            } catch (SQLException e) {
                throw new IllegalStateException("query on " + user + "'s database failed: " + e.getMessage(), e);
            }
        }

        /** The single value {@code sql} selects (e.g. a count), or null if it selects no row. */
        Object value(String sql, Object... parameters) {
            List<Object[]> rows = rows(sql, parameters);
            return rows.isEmpty() ? null : rows.get(0)[0];
        }

        Relay relay() {
            return gateway.relay();
        }

        SSLSocketFactory trustingSocketFactory() throws Exception {
            return TrustingClients.trusting(gateway.tls().certificate()).getSocketFactory();
        }

        /** The state of {@code user}'s relationship {@code id}. */
        RelationshipState state(long id) {
            return gateway.database().inTransaction(c -> gateway.relay().control().list(c, Login.of(user)).stream()
                    .filter(r -> r.id() == id).findFirst().orElseThrow().state());
        }
    }

    /**
     * Both domains publish SPF records naming loopback, where both gateways send from: each one's
     * plain email to the other is authenticated, as a properly set-up domain's is.
     */
    static final DnsLookup LOOPBACK_SPF = (name, type) -> type == DnsRecordType.TXT
            && (name.equalsIgnoreCase("alex.test") || name.equalsIgnoreCase("blair.test"))
            ? List.of("v=spf1 ip4:127.0.0.1 -all") : List.of();

    /** Alex invites, Blair accepts; returns once both ends are established, with both aliases. */
    Established connect() throws Exception {
        Relay a = alex.relay();
        Relay b = blair.relay();
        Invitations.Issued issued = alex.gateway.database().inTransaction(c ->
                a.invitations().create(c, Login.of(alex.user), "Alex", Invitations.DEFAULT_LIFETIME));
        Invitations.Accepted accepted = blair.gateway.database().inTransaction(c ->
                b.invitations().accept(c, Login.of(blair.user), "Blair", issued.token()));
        await(Duration.ofSeconds(30), () -> alex.state(issued.relationshipId()) == RelationshipState.ACTIVE,
                "alex's end of the relationship to become active");
        String alexAlias = alex.gateway.database().inTransaction(c -> a.control().list(c, Login.of(alex.user)).stream()
                .filter(r -> r.id() == issued.relationshipId()).findFirst().orElseThrow().alias().orElseThrow());
        return new Established(issued.relationshipId(), alexAlias, accepted.relationshipId(),
                accepted.alias().address().toString());
    }

    /**
     * @param alexAlias  the alias alex writes to blair at
     * @param blairAlias the alias blair writes to alex at
     */
    record Established(long alexRelationship, String alexAlias, long blairRelationship, String blairAlias) {
    }

    static void await(Duration timeout, BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    static int freePort() throws IOException {
        return dev.liaison.gateway.transport.ListenPorts.free();
    }

    @Override
    public void close() {
        alex.stop();
        blair.stop();
    }
}
