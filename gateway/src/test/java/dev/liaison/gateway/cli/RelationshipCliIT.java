package dev.liaison.gateway.cli;

import dev.liaison.gateway.config.TlsSource;
import dev.liaison.gateway.tls.TlsMaterial;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Relationships from the admin CLI, the real jar in separate processes: two gateways served from two
 * data directories; an invitation created at one, accepted at the other; both ends become active;
 * block and unblock; the quarantine is listed.
 */
class RelationshipCliIT {

    @TempDir
    Path work;

    @Test
    void invitationCreatedAtOneGatewayAndAcceptedAtTheOtherConnectsBothUsers() throws Exception {
        Path alexDir = Files.createDirectories(work.resolve("alex"));
        Path blairDir = Files.createDirectories(work.resolve("blair"));
        int alexHttp = GatewayPorts.free();
        int blairHttp = GatewayPorts.free();
        Path bundle = work.resolve("peers.pem");
        Files.writeString(bundle, certificate(alexDir, "alex.test") + certificate(blairDir, "blair.test"));
        LiaisonProcess alex = new LiaisonProcess(alexDir, Map.of("LIAISON_DOMAIN", "alex.test",
                "LIAISON_HTTP_PORT", String.valueOf(alexHttp), "LIAISON_HTTP_PUBLIC_URL", "https://localhost:" + alexHttp,
                "LIAISON_RELAY_TRUSTED_CERTIFICATES", bundle.toString(), "LIAISON_RELAY_PRIVATE_DESTINATIONS", "true"));
        LiaisonProcess blair = new LiaisonProcess(blairDir, Map.of("LIAISON_DOMAIN", "blair.test",
                "LIAISON_HTTP_PORT", String.valueOf(blairHttp), "LIAISON_HTTP_PUBLIC_URL", "https://localhost:" + blairHttp,
                "LIAISON_RELAY_TRUSTED_CERTIFICATES", bundle.toString(), "LIAISON_RELAY_PRIVATE_DESTINATIONS", "true"));
        assertEquals(0, alex.runWithInput("pw-of-alex-1\n", "user", "add", "alex", "--display-name", "Alex Doe", "--password-stdin").exitCode());
        assertEquals(0, blair.runWithInput("pw-of-blair-1\n", "user", "add", "blair", "--display-name", "Blair Roe", "--password-stdin").exitCode());

        List<Process> servers = new ArrayList<>();
        try {
            servers.add(serve(alex));
            servers.add(serve(blair));

            var created = alex.run("invite", "create", "--user", "alex", "--qr", "invite.png", "--json");
            assertEquals(0, created.exitCode(), created.toString());
            Matcher token = Pattern.compile("\"token\":\"([A-Za-z0-9_-]+)\",\"uri\":\"communicator:invitation/\\1\"")
                    .matcher(created.stdout());
            assertTrue(token.find(), created.stdout());
            byte[] png = Files.readAllBytes(alexDir.resolve("invite.png"));
            assertArrayEquals(new byte[]{(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(png, 4), "a PNG QR code");

            var refused = blair.run("invite", "accept", "--user", "blair", token.group(1) + "x");
            assertEquals(1, refused.exitCode(), "a damaged token is refused: " + refused);
            var accepted = blair.run("invite", "accept", "--user", "blair", "communicator:invitation/" + token.group(1));
            assertEquals(0, accepted.exitCode(), accepted.toString());
            String aliasAtBlair = accepted.stdout().trim();
            assertTrue(aliasAtBlair.matches("alexdoe\\.[a-z2-7]{10}@blair\\.test"), aliasAtBlair);
            var again = blair.run("invite", "accept", "--user", "blair", token.group(1));
            assertEquals(1, again.exitCode(), "an invitation is accepted once: " + again);

            String listed = awaitActive(alex, "alex");
            assertTrue(listed.matches("(?s).*\"peer\": \"Blair Roe\", \"state\": \"active\", \"alias\": \"blairroe\\.[a-z2-7]{10}@alex\\.test\".*"),
                    listed);
            assertTrue(blair.run("relationship", "list", "--user", "blair").stdout().contains(aliasAtBlair));

            var blocked = blair.run("relationship", "block", "--user", "blair", aliasAtBlair);
            assertEquals(0, blocked.exitCode(), blocked.toString());
            assertTrue(blocked.stdout().trim().endsWith(" blocked"), blocked.stdout());
            assertEquals(1, alex.run("relationship", "block", "--user", "alex", aliasAtBlair).exitCode(),
                    "another gateway's alias is not alex's relationship");
            assertTrue(blair.run("relationship", "unblock", "--user", "blair", aliasAtBlair).stdout().trim().endsWith(" active"));

            var quarantine = blair.run("quarantine", "list", "--json");
            assertEquals(0, quarantine.exitCode(), quarantine.toString());
            assertEquals("[]", quarantine.stdout().trim(), "nothing failed to open");
            var drop = blair.run("quarantine", "drop", "AAAAAAAAAAAAAAAAAAAAAA");
            assertEquals(1, drop.exitCode(), drop.toString());
            assertTrue(drop.stderr().contains("is not quarantined"), drop.toString());
        } finally {
            for (Process p : servers) {
                p.destroy();
                assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            }
        }
    }

    private static String certificate(Path dir, String domain) throws Exception {
        Path tls = dir.resolve("liaison-data/tls");
        Files.createDirectories(tls);
        TlsMaterial.load(new TlsSource.Generated(tls), domain);
        return Files.readString(tls.resolve("certificate.pem"));
    }

    private static Process serve(LiaisonProcess liaison) throws Exception {
        Process p = liaison.builder("serve", "--bind-address=127.0.0.1", "--smtp.submission.port=0",
                "--smtp.submissions.port=0", "--smtp.inbound.port=0", "--imap.port=0", "--imaps.port=0").redirectErrorStream(true).start();
        AdminCliIT.waitForLine(p, "Liaison serving");
        return p;
    }

    private static String awaitActive(LiaisonProcess liaison, String user) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            var list = liaison.run("relationship", "list", "--user", user, "--json");
            assertEquals(0, list.exitCode(), list.toString());
            if (list.stdout().contains("\"state\": \"active\"") || System.nanoTime() > deadline) {
                return list.stdout();
            }
            Thread.sleep(500);
        }
    }

    /** A free port for a listener whose number must be known before it starts (it is in the routes). */
    static final class GatewayPorts {
        static int free() throws Exception {
            return dev.liaison.gateway.transport.ListenPorts.free();
        }
    }
}
