package dev.liaison.gateway.submission;

import dev.liaison.gateway.Gateway;
import dev.liaison.gateway.admin.Administration;
import dev.liaison.gateway.config.Configuration;
import dev.liaison.mapping.database.DatabaseLocation;
import dev.liaison.mapping.database.TestPostgres;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.Map;

/** A whole gateway in this JVM on ephemeral loopback ports, on a fresh database of {@code postgres}. */
final class TestGateway implements AutoCloseable {

    static final String DOMAIN = "gw.example";

    final Gateway gateway;
    final Administration admin;

    TestGateway(TestPostgres postgres, Path dataDir) {
        DatabaseLocation.External db = postgres.freshLocation();
        Map<String, String> settings = new HashMap<>(Map.of("domain", DOMAIN, "data-dir", dataDir.toString(),
                "bind-address", "127.0.0.1", "smtp.submission.port", "0", "smtp.submissions.port", "0",
                "imap.port", "0", "imaps.port", "0", "http.port", "0"));
        settings.putAll(Map.of("database.url", db.url(), "database.user", db.user(), "database.password", db.password()));
        gateway = Gateway.start(Configuration.defaultsWith(settings));
        admin = new Administration(gateway.database(), DOMAIN);
    }

    /** A client socket factory that trusts exactly this gateway's certificate. */
    SSLSocketFactory trustingSocketFactory() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("gw", gateway.tls().certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context.getSocketFactory();
    }

    @Override
    public void close() {
        gateway.close();
    }
}
