package dev.liaison.gateway.legacy.delivery;

import dev.liaison.gateway.Liaison;
import dev.liaison.gateway.keys.KeyEncryptionKey;
import dev.liaison.gateway.transport.send.DeliverySettings;
import dev.liaison.imap.delivery.Delivered;
import dev.liaison.imap.delivery.Delivery;
import dev.liaison.imap.delivery.MailboxDelivery;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.DatabaseLocation;
import dev.liaison.mapping.database.PoolSettings;
import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code liaison dns} run as an administrator would, on a real database and data directory. */
class DnsCommandTest {

    @TempDir
    Path dir;

    @Test
    void printsTheRecordOfTheKeyTheGatewaySignsWithAndTheSameOneEveryTime() throws Exception {
        DatabaseLocation.External db = TestPostgres.EMBEDDED.freshLocation();
        String[] args = {"dns", "--data-dir", dir.toString(), "--domain=alex.example", "--database.url=" + db.url(),
                "--database.user=" + db.user(), "--database.password=" + db.password(), "--legacy.direct-mx=true"};

        List<String> first = run(args);
        List<String> second = run(args);

        assertEquals(first, second, "the key is generated once");
        String dkim = first.stream().filter(l -> l.startsWith("liaison._domainkey.alex.example. IN TXT ")).findFirst()
                .orElseThrow(() -> new AssertionError(first.toString()));
        try (Database database = Database.open(db, new PoolSettings("test", 2, Duration.ofSeconds(10)))) {
            LegacyDelivery legacy = LegacyDelivery.open(new LegacyDeliverySettings("alex.example",
                    new LegacyRoute.DirectMx(), "liaison", DeliverySettings.defaults(),
                    javax.net.ssl.SSLContext.getDefault(), d -> List.of()), database,
                    KeyEncryptionKey.loadOrCreate(dir), new MailboxDelivery() {
                        @Override
                        public Delivered deliver(Connection c, Delivery d) {
                            throw new AssertionError("no delivery expected");
                        }

                        @Override
                        public int forget(Connection c, Instant before, int max) {
                            throw new AssertionError("no delivery expected");
                        }

                        @Override
                        public int move(Connection c, String owner, String from, String to, String mentioning,
                                        java.util.function.Predicate<byte[]> which) {
                            throw new AssertionError("no move expected");
                        }

                        @Override
                        public void lock(Connection c, String owner, List<String> folders) {
                            throw new AssertionError("no lock expected");
                        }
                    });
            assertEquals(legacy.dkimKey().record(), DnsRecordsTest.joinedTxt(dkim.substring(dkim.indexOf("IN TXT") + 7)));
        }
        assertTrue(first.contains("alex.example. IN MX 10 alex.example."), first.toString());
    }

    private static List<String> run(String[] args) {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            assertEquals(0, Liaison.run(args));
        } finally {
            System.setOut(original);
        }
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }
}
