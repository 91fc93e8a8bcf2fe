package dev.liaison.gateway.submission;

import dev.liaison.gateway.Gateway;
import dev.liaison.gateway.admin.Administration;
import dev.liaison.gateway.config.Configuration;
import dev.liaison.gateway.tls.TrustingClients;
import dev.liaison.mapping.database.DatabaseLocation;
import dev.liaison.mapping.database.TestPostgres;

import javax.net.ssl.SSLSocketFactory;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** A whole gateway in this JVM on ephemeral loopback ports, on a fresh database of {@code postgres}. */
final class TestGateway implements AutoCloseable {

    static final String DOMAIN = "gw.example";

    final Gateway gateway;
    final Administration admin;
    private final DatabaseLocation.External location;

    TestGateway(TestPostgres postgres, Path dataDir) {
        this(postgres, dataDir, java.time.Clock.systemUTC());
    }

    /** With {@code clock} for the relay's decisions and IMAP's account checks ({@link Gateway#start(Configuration, java.time.Clock)}). */
    TestGateway(TestPostgres postgres, Path dataDir, java.time.Clock clock) {
        DatabaseLocation.External db = postgres.freshLocation();
        location = db;
        Map<String, String> settings = new HashMap<>(Map.of("domain", DOMAIN, "data-dir", dataDir.toString(),
                "bind-address", "127.0.0.1", "smtp.submission.port", "0", "smtp.submissions.port", "0", "smtp.inbound.port", "0",
                "imap.port", "0", "imaps.port", "0", "http.port", "0"));
        settings.putAll(Map.of("database.url", db.url(), "database.user", db.user(), "database.password", db.password()));
        gateway = Gateway.start(Configuration.defaultsWith(settings), clock);
        admin = new Administration(gateway.database(), DOMAIN);
    }

    /**
     * Makes the gateway's database refuse (or accept again) every connection: new ones are not
     * allowed and the existing ones, the pool's among them, are terminated.
     */
    void allowDatabaseConnections(boolean allowed) throws Exception {
        dev.liaison.mapping.database.TestPostgres.allowConnections(location, allowed);
    }

    /** A client socket factory that trusts exactly this gateway's certificate. */
    SSLSocketFactory trustingSocketFactory() throws Exception {
        return TrustingClients.trusting(gateway.tls().certificate()).getSocketFactory();
    }

    @Override
    public void close() {
        gateway.close();
    }
}
