package dev.liaison.gateway.cli;

import dev.liaison.gateway.config.TlsSource;
import dev.liaison.gateway.tls.TlsMaterial;
import dev.liaison.mapping.database.DatabaseLocation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One gateway run as processes, the way {@link RelationshipCliIT} configures them (environment
 * only): a working directory with its data in {@code ./liaison-data}, its self-signed certificate
 * made before the first start (peers must trust it when they start), fixed ports (its route names
 * its HTTPS port, and a restarted gateway must come back on the same ones), its database external
 * when given, else embedded. {@code serve} can be started, killed and stopped again and again; the
 * output of every run goes to one log.
 */
final class GatewayNode {

    private final Path dir;
    private final String domain;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final LiaisonProcess admin;
    private final MailClient mail;
    private ServeProcess served;

    GatewayNode(Path dir, String domain, Optional<DatabaseLocation.External> database, Path trusted) throws Exception {
        this.dir = Files.createDirectories(dir);
        this.domain = domain;
        int http = LoopbackPorts.free();
        environment.put("LIAISON_DOMAIN", domain);
        environment.put("LIAISON_BIND_ADDRESS", "127.0.0.1");
        environment.put("LIAISON_HTTP_PORT", String.valueOf(http));
        environment.put("LIAISON_HTTP_PUBLIC_URL", "https://localhost:" + http);
        environment.put("LIAISON_RELAY_TRUSTED_CERTIFICATES", trusted.toString());
        environment.put("LIAISON_RELAY_PRIVATE_DESTINATIONS", "true"); // both on this machine
        for (String key : List.of("LIAISON_SMTP_SUBMISSION_PORT", "LIAISON_SMTP_SUBMISSIONS_PORT",
                "LIAISON_SMTP_INBOUND_PORT", "LIAISON_IMAP_PORT", "LIAISON_IMAPS_PORT")) {
            environment.put(key, String.valueOf(LoopbackPorts.free()));
        }
        database.ifPresent(db -> {
            environment.put("LIAISON_DATABASE_URL", db.url());
            environment.put("LIAISON_DATABASE_USER", db.user());
            environment.put("LIAISON_DATABASE_PASSWORD", db.password());
        });
        this.admin = new LiaisonProcess(dir, Map.copyOf(environment));
        Path tls = Files.createDirectories(dataDir().resolve("tls"));
        TlsMaterial.load(new TlsSource.Generated(tls), domain);
        this.mail = new MailClient(port("LIAISON_SMTP_SUBMISSION_PORT"), port("LIAISON_IMAP_PORT"), certificateFile());
    }

    Path certificateFile() {
        return dataDir().resolve("tls/certificate.pem");
    }

    Path dataDir() {
        return dir.resolve("liaison-data");
    }

    String domain() {
        return domain;
    }

    LiaisonProcess admin() {
        return admin;
    }

    MailClient mail() {
        return mail;
    }

    /** Where its running embedded PostgreSQL is (the port changes with every start). */
    DatabaseLocation.External embeddedDatabase() throws IOException {
        String port = Files.readAllLines(dataDir().resolve("postgres/postmaster.pid")).get(3).strip();
        return new DatabaseLocation.External("jdbc:postgresql://127.0.0.1:" + port + "/liaison", "postgres",
                Files.readString(dataDir().resolve("postgres.secret")).strip());
    }

    /** The pid of its embedded PostgreSQL's postmaster. */
    long postmasterPid() throws IOException {
        return Long.parseLong(Files.readAllLines(dataDir().resolve("postgres/postmaster.pid")).get(0).strip());
    }

    void start() throws Exception {
        launch();
        awaitServing();
    }

    void launch() throws IOException {
        served = ServeProcess.launch(admin.builder("serve"), dir.resolve("serve.log"));
    }

    void awaitServing() throws Exception {
        served.awaitServing();
    }

    void kill() throws InterruptedException {
        served.kill();
    }

    void stop() throws Exception {
        served.stop();
    }

    /** Stops it if it runs, reporting rather than throwing (for cleaning up after a failure). */
    void stopQuietly() {
        try {
            if (served != null && served.isAlive()) {
                served.stop();
            }
        } catch (Exception | AssertionError e) {
            System.out.println("stopping " + domain + " failed: " + e);
        }
    }

    /** Copies its log to {@code target/<name>-<domain>.log}, where the build keeps reports, for reading after a failure. */
    void keepLog(String name) {
        try {
            Files.copy(dir.resolve("serve.log"), Path.of("target", name + "-" + domain + ".log"),
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            System.out.println("cannot keep the log of " + domain + ": " + e);
        }
    }

    private int port(String key) {
        return Integer.parseInt(environment.get(key));
    }
}
