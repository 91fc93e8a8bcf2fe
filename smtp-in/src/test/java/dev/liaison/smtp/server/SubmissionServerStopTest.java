package dev.liaison.smtp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.liaison.smtp.testing.RunningServer;
import dev.liaison.smtp.testing.SmtpWire;
import dev.liaison.smtp.testing.TestDirectory;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Stopping the submission service while a message is being committed: the listener stops accepting
 * at once, the commit completes and is answered 250, and close() returns only after that — so the
 * gateway closes its database after the last commit, not under it.
 */
class SubmissionServerStopTest {

    @Test
    void aCommitInProgressWhenTheServiceStopsCompletesIsAnsweredAndCloseWaitsForIt() throws Exception {
        RunningServer smtp = new RunningServer();
        List<String> order = new CopyOnWriteArrayList<>();
        CountDownLatch committing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        smtp.handler.beforeCommit(() -> {
            committing.countDown();
            await(release);
            order.add("commit finished");
        });
        CompletableFuture<Void> closing = null;
        try (SmtpWire wire = smtp.authenticatedAlex()) {
            wire.command("MAIL FROM:<alex@gw.example>").expect(250);
            wire.command("RCPT TO:<" + TestDirectory.ALEX_ALIAS + ">").expect(250);
            wire.command("DATA").expect(354);
            wire.send("Subject: stopping\r\n\r\nbody\r\n.\r\n");
            committing.await(30, TimeUnit.SECONDS);
            int port = smtp.port();
            closing = CompletableFuture.runAsync(() -> {
                smtp.close();
                order.add("close returned");
            });
            awaitRefused(port);
            CompletableFuture<Void> stopping = closing;
            assertThrows(TimeoutException.class, () -> stopping.get(1, TimeUnit.SECONDS),
                    "close() returned while a commit was still under way");
            release.countDown();
            assertEquals("2.0.0", wire.expect(250).enhanced(), "the commit under way is answered");
            closing.get(30, TimeUnit.SECONDS);
        } finally {
            release.countDown();
            if (closing == null) {
                smtp.close();
            }
        }
        assertEquals(List.of("commit finished", "close returned"), order);
        assertEquals(1, smtp.handler.committed().size());
    }

    /**
     * Stopping never hangs: the listeners' threads end first, and James's own stop then had a close to
     * wait for that an ending thread could drop, so a stop right after a start now and then waited for
     * good (seen in a test's @AfterAll). Many short-lived services, each with a connection open.
     */
    @Test
    void aServiceStoppedRightAfterItStartedStopsEveryTime() throws Exception {
        for (int i = 0; i < 10; i++) {
            RunningServer smtp = new RunningServer();
            try (SmtpWire wire = smtp.starttls()) {
                wire.expect(220);
                CompletableFuture.runAsync(smtp::close).get(60, TimeUnit.SECONDS);
            }
        }
    }

    /** Waits until the listener refuses connections: the stop has begun. */
    private static void awaitRefused(int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                Thread.sleep(10);
            } catch (ConnectException refused) {
                return;
            } catch (IOException other) {
                return;
            }
        }
        assertThrows(ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), port).close(),
                "the listener still accepts connections 30 s after close() began");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
