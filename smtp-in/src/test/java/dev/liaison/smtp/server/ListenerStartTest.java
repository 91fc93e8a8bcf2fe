package dev.liaison.smtp.server;

import dev.liaison.smtp.submission.Limits;
import dev.liaison.smtp.submission.SmtpSettings;
import dev.liaison.smtp.submission.SubmissionEvents;
import dev.liaison.smtp.submission.SubmissionServices;
import dev.liaison.smtp.testing.RecordingHandler;
import dev.liaison.smtp.testing.TestCertificate;
import dev.liaison.smtp.testing.TestDirectory;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A port that cannot be bound: the administrator is told which one, and nothing is left listening. */
class ListenerStartTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void aPortInUseIsNamedAndTheOtherListenerIsNotLeftBound() throws Exception {
        int free;
        try (ServerSocket probe = new ServerSocket(0, 1, LOOPBACK)) {
            free = probe.getLocalPort();
        }
        try (ServerSocket taken = new ServerSocket(0, 1, LOOPBACK)) {
            int busy = taken.getLocalPort();
            var directory = new TestDirectory();
            var settings = new SmtpSettings("submit.gw.example", LOOPBACK, free, busy, 2, Limits.DEFAULT);
            IOException e = assertThrows(IOException.class, () -> SubmissionServer.start(settings,
                    TestCertificate.get().serverContext(), new SubmissionServices(directory, directory,
                            new RecordingHandler(), Clock.systemUTC(), SubmissionEvents.NONE)));
            assertTrue(e.getMessage().contains("port " + busy), e.getMessage());
            assertTrue(e.getMessage().contains("smtp-submissions"), e.getMessage());
            assertThrows(IOException.class, () -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(LOOPBACK, free), 2000);
                }
            }, "the STARTTLS listener bound first was closed again");
        }
    }
}
