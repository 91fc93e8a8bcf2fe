package dev.liaison.gateway.load;

import dev.liaison.gateway.config.TlsSource;
import dev.liaison.gateway.tls.TlsMaterial;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.DatabaseLocation;
import dev.liaison.mapping.database.PoolSettings;
import dev.liaison.smtp.address.EmailAddress;
import dev.liaison.smtp.server.SubmissionServer;
import dev.liaison.smtp.submission.AuthenticatedUser;
import dev.liaison.smtp.submission.Credentials;
import dev.liaison.smtp.submission.Limits;
import dev.liaison.smtp.submission.RecipientVerdict;
import dev.liaison.smtp.submission.SmtpSettings;
import dev.liaison.smtp.submission.Submission;
import dev.liaison.smtp.submission.SubmissionServices;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * smtp-in's submission server alone, for the benchmark beside the whole gateway's: the same
 * listener, framing, TLS, AUTH and DATA handling, but a minimal durable handler — one
 * {@code INSERT} of the message into one table and a commit on the embedded PostgreSQL (which
 * commits durably, as in {@code liaison serve}) — instead of gateway's routing and INBOX delivery.
 * The difference between the two numbers is what gateway's handler costs.
 *
 * <p>Users {@code u0}…{@code u9}, password {@code pw}; any recipient on {@code bench.test} is
 * accepted (no database look-up). Not for anything but benchmarks: it accepts every message of
 * these ten test users.
 *
 * <pre>java -cp ... dev.liaison.gateway.load.BareSubmissionServer --dir /tmp/bare --port 26587</pre>
 *
 * Prints {@code ready} once it listens; the certificate is {@code <dir>/tls/certificate.pem}.
 */
public final class BareSubmissionServer {

    static final String DOMAIN = "bench.test";
    private static final String PASSWORD = "pw";

    private BareSubmissionServer() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(option(args, "--dir", "bare-submission"));
        int port = Integer.parseInt(option(args, "--port", "26587"));
        Database db = Database.openOwned(new DatabaseLocation.Embedded(dir.resolve("db")),
                new PoolSettings("bare", 40, Duration.ofSeconds(10)));
        db.inTransaction(c -> {
            try (var s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS bench_submission (id text PRIMARY KEY, sender text NOT NULL, "
                        + "octets bytea NOT NULL)");
            }
            return null;
        });
        var tls = TlsMaterial.load(new TlsSource.Generated(dir.resolve("tls")), DOMAIN);
        var services = new SubmissionServices(BareSubmissionServer::authenticate, BareSubmissionServer::check,
                submission -> store(db, submission));
        var settings = new SmtpSettings(DOMAIN, InetAddress.getLoopbackAddress(), port, 0,
                SmtpSettings.DEFAULT_IO_THREADS, Limits.DEFAULT);
        var server = SubmissionServer.start(settings, tls.serverContext(), services);
        // Killed (SIGTERM) is how a benchmark ends it: stop the listeners, then the embedded PostgreSQL.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            db.close();
        }));
        System.out.println("ready");
        new CountDownLatch(1).await();
    }

    private static Optional<AuthenticatedUser> authenticate(Credentials credentials) {
        boolean known = credentials.login().matches("u[0-9]") && PASSWORD.equals(credentials.password());
        return known ? Optional.of(new AuthenticatedUser(credentials.login())) : Optional.empty();
    }

    private static RecipientVerdict check(AuthenticatedUser sender, EmailAddress recipient) {
        return DOMAIN.equals(recipient.domain()) ? RecipientVerdict.ACCEPT : RecipientVerdict.REFUSED;
    }

    /** The minimal durable commit: one row, one transaction; smtp-in answers 250 after it returns. */
    private static void store(Database db, Submission submission) throws Exception {
        db.inTransaction(c -> {
            try (var insert = c.prepareStatement("INSERT INTO bench_submission (id, sender, octets) VALUES (?, ?, ?)")) {
                insert.setString(1, submission.id());
                insert.setString(2, submission.user().id());
                insert.setBytes(3, submission.message().toByteArray());
                insert.executeUpdate();
            }
            return null;
        });
    }

    private static String option(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
