package dev.liaison.smtp.testing;

import dev.liaison.smtp.server.SubmissionServer;
import dev.liaison.smtp.submission.Limits;
import dev.liaison.smtp.submission.SmtpSettings;
import dev.liaison.smtp.submission.SubmissionEvents;
import dev.liaison.smtp.submission.SubmissionServices;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;

/** A submission server on ephemeral loopback ports with the test directory and a recording handler. */
public final class RunningServer implements AutoCloseable {

    public static final String HOSTNAME = "submit.gw.example";

    public final TestDirectory directory = new TestDirectory();
    public final RecordingHandler handler = new RecordingHandler();
    public final SubmissionServer server;

    public RunningServer(Limits limits, Clock clock) {
        this(limits, clock, SubmissionEvents.NONE);
    }

    public RunningServer(Limits limits, Clock clock, SubmissionEvents events) {
        try {
            server = SubmissionServer.start(SmtpSettings.loopback(HOSTNAME).withLimits(limits),
                    TestCertificate.get().serverContext(),
                    new SubmissionServices(directory, directory, handler, clock, events));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public RunningServer(Limits limits) {
        this(limits, Clock.systemUTC());
    }

    public RunningServer() {
        this(Limits.DEFAULT);
    }

    /** The STARTTLS submission port, for raw sockets. */
    public int port() {
        return server.submissionPort();
    }

    public SmtpWire starttls() throws IOException {
        return SmtpWire.plain(server.submissionPort());
    }

    public SmtpWire implicitTls() throws IOException {
        return SmtpWire.implicitTls(server.submissionsPort());
    }

    /** A STARTTLS connection that has done EHLO, STARTTLS, EHLO and AUTH PLAIN as {@code login}. */
    public SmtpWire authenticated(String login, String password) throws IOException {
        SmtpWire wire = starttls();
        wire.expect(220);
        wire.command("EHLO client.example").expect(250);
        wire.command("STARTTLS").expect(220);
        wire.upgradeToTls();
        wire.command("EHLO client.example").expect(250);
        wire.command("AUTH PLAIN " + SmtpWire.plainAuth(login, password)).expect(235);
        return wire;
    }

    public SmtpWire authenticatedAlex() throws IOException {
        return authenticated("alex", TestDirectory.ALEX_PASSWORD);
    }

    @Override
    public void close() {
        server.close();
    }
}
