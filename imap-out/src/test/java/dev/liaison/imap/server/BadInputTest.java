package dev.liaison.imap.server;

import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hostile and malformed input gets a protocol error, changes nothing, and the connection lives on. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {

    private TestImap imap;

    @BeforeAll
    void start() throws Exception {
        imap = TestImap.start(TestPostgres.EMBEDDED);
        DeliveryHelper.deliver(imap, "alice", "INBOX", MailClient.simple("the only message", "x"));
    }

    @AfterAll
    void stop() {
        imap.close();
    }

    private RawImap selected() throws Exception {
        RawImap c = RawImap.tls(imap.imapsPort());
        c.login("alice");
        c.command("SELECT INBOX");
        return c;
    }

    private static void assertRefused(String kind, List<String> answer) {
        String last = RawImap.last(answer);
        assertTrue(last.contains(" BAD ") || last.contains(" NO "), kind + ": " + answer);
    }

    private static void assertAlive(RawImap c) throws Exception {
        assertTrue(RawImap.last(c.command("NOOP")).contains("OK NOOP"), "connection no longer answers");
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT INBOX", "FETCH 1 BODY[]", "LIST \"\" \"*\"", "STATUS INBOX (MESSAGES)",
        "APPEND INBOX {3}", "IDLE", "STORE 1 +FLAGS (\\Seen)"})
    void commandsBeforeLoginAreRefused(String command) throws Exception {
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            assertRefused(command, c.command(command));
            assertTrue(RawImap.last(c.login("alice")).contains("OK"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"a&b", "&", "&Jjo", "x&AOk", "&-&", "&ZZZZ-"})
    void folderNamesThatAreNotModifiedUtf7AreBad(String name) throws Exception {
        try (RawImap c = selected()) {
            for (String command : List.of("CREATE \"" + name + "\"", "SELECT \"" + name + "\"",
                    "STATUS \"" + name + "\" (MESSAGES)", "RENAME Archive \"" + name + "\"")) {
                List<String> answer = c.command(command);
                assertRefused(command, answer);
            }
            assertAlive(c);
        }
    }

    /**
     * Names the store does not take: NO [CANNOT] with the reason (RFC 5530), no folder made or renamed, and no log
     * line at WARN or above (James answered "processing failed" and logged an ERROR with a stack
     * trace for each).
     */
    @ParameterizedTest
    @ValueSource(strings = {".x", "a..b", "\"with%pct\"", "\"star*\"", "#private.#hash", "LONG"})
    void createOrRenameToANameTheStoreDoesNotTakeIsCannotAndLogsNoError(String name) throws Exception {
        String argument = name.equals("LONG") ? "L".repeat(201) : name;
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger)
                org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged =
                new ch.qos.logback.core.read.ListAppender<>();
        logged.start();
        root.addAppender(logged);
        try (RawImap c = selected()) {
            List<String> before = folders(c);
            String answer = RawImap.last(c.command("CREATE " + argument));
            assertTrue(answer.matches("a\\d+ NO \\[CANNOT\\] CREATE Folder names .*; choose .*"), argument + ": " + answer);
            answer = RawImap.last(c.command("RENAME Archive " + argument));
            assertTrue(answer.matches("a\\d+ NO \\[CANNOT\\] RENAME Folder names .*; choose .*"), argument + ": " + answer);
            assertEquals(before, folders(c), "nothing was created");
            assertAlive(c);
        } finally {
            root.detachAppender(logged);
        }
        assertEquals(List.of(), logged.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN))
                .map(Object::toString).toList(), "a client's mistake is no server error");
    }

    private static List<String> folders(RawImap c) throws Exception {
        List<String> list = c.command("LIST \"\" \"*\"");
        return list.subList(0, list.size() - 1);
    }

    @Test
    void createWithATrailingDelimiterStillCreatesTheFolder() throws Exception {
        try (RawImap c = selected()) {
            assertTrue(RawImap.last(c.command("CREATE Parent.")).contains("OK"));
            assertTrue(String.join("\n", c.command("LIST \"\" \"Parent\"")).contains("Parent"));
        }
    }

    @Test
    void validModifiedUtf7NamesWork() throws Exception {
        try (RawImap c = selected()) {
            assertTrue(RawImap.last(c.command("CREATE \"Caf&AOk-\"")).contains("OK"));
            assertTrue(RawImap.last(c.command("CREATE \"Tom &- Jerry, a+b-c\"")).contains("OK"));
            String list = String.join("\n", c.command("LIST \"\" \"*\""));
            assertTrue(list.contains("\"Caf&AOk-\""), list);
            assertTrue(list.contains("\"Tom &- Jerry, a+b-c\""), list);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"FETCH 0 FLAGS", "FETCH 1:-5 FLAGS", "FETCH a:b FLAGS", "FETCH 4294967296 FLAGS",
        "FETCH 1,,2 FLAGS", "FETCH * * FLAGS", "UID FETCH 1:99999999999999999999 FLAGS", "FETCH 2:3 FLAGS",
        "STORE 1 +FLAGS (\\Seen", "FETCH 1 (FLAGS", "FETCH 1 BODY[1.2.3.4.5.6.7.8.9.a]", "SEARCH BEFORE 32-Foo-2020",
        "SEARCH CHARSET X-NO-SUCH-CHARSET TEXT x", "SEARCH UNDRAFT UNKNOWNKEY", "UID STORE 1 FLAGS.SILENT (\\Bogus",
        "COPY 1:* ", "FETCH 1 BODY.PEEK[]<5.-1>", "NOSUCHCOMMAND x y z"})
    void malformedArgumentsAreRefusedAndChangeNothing(String command) throws Exception {
        try (RawImap c = selected()) {
            assertRefused(command, c.command(command));
            assertAlive(c);
            assertEquals("* 1 FETCH (FLAGS ())", c.command("FETCH 1 (FLAGS)").get(0));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"STORE 1 +FLAGS (\\Bogus)", "STORE 1 FLAGS (\\Seen \\Bogus)", "UID STORE 1 +FLAGS.SILENT \\Bogus",
        "STORE 1 -FLAGS (\\*)", "APPEND INBOX (\\Bogus) {8+}\r\nSubject:", "APPEND INBOX (\\Seen \\X) {8+}\r\nSubject:"})
    void unknownSystemFlagsAreBadAndStoreNothing(String command) throws Exception {
        try (RawImap c = selected()) {
            List<String> answer = c.command(command);
            assertEquals(1, answer.size(), answer.toString());
            assertTrue(answer.get(0).matches("a\\d+ BAD .*Invalid system flag.*"), answer.toString());
            assertAlive(c);
            assertEquals("* 1 FETCH (FLAGS ())", c.command("FETCH 1 (FLAGS)").get(0));
            assertTrue(c.command("STATUS INBOX (MESSAGES)").get(0).contains("MESSAGES 1"));
            List<String> flags = c.command("SELECT INBOX");
            assertTrue(flags.stream().noneMatch(l -> l.contains("\\Bogus") || l.contains("\\X")), flags.toString());
        }
    }

    @Test
    void anAppendWithAnUnknownSystemFlagIsBadAfterItsLiteral() throws Exception {
        try (RawImap c = selected()) {
            String message = MailClient.simple("bogus flag", "x");
            String tag = c.nextTag();
            c.send(tag + " APPEND INBOX (\\Bogus) {" + message.length() + "}\r\n");
            assertTrue(c.line().startsWith("+ "));
            c.send(message + "\r\n");
            List<String> answer = c.until(tag);
            assertTrue(RawImap.last(answer).matches("a\\d+ BAD .*Invalid system flag.*"), answer.toString());
            assertTrue(c.command("STATUS INBOX (MESSAGES)").get(0).contains("MESSAGES 1"));
            assertAlive(c);
        }
    }

    @Test
    void hugeSequenceSetsAreAnsweredWithoutHarm() throws Exception {
        StringBuilder set = new StringBuilder("1");
        for (int i = 3; set.length() < 60_000; i += 2) {
            set.append(',').append(i);
        }
        try (RawImap c = selected()) {
            assertRefused("sequence set beyond EXISTS", c.command("FETCH " + set + " FLAGS"));
            List<String> uid = c.command("UID FETCH " + set + " (FLAGS)");
            assertTrue(RawImap.last(uid).contains("OK"), RawImap.last(uid));
            assertEquals(2, uid.size()); // only UID 1 exists
            List<String> all = c.command("UID FETCH 1:4294967295 (FLAGS)");
            assertTrue(RawImap.last(all).contains("OK"));
            assertAlive(c);
        }
    }

    @Test
    void deepNestingIsRefused() throws Exception {
        try (RawImap c = selected()) {
            assertRefused("deep SEARCH", c.command("SEARCH " + "(".repeat(30_000) + "ALL" + ")".repeat(30_000)));
            assertRefused("deep FETCH", c.command("FETCH 1 " + "(".repeat(30_000) + "FLAGS" + ")".repeat(30_000)));
            assertAlive(c);
            assertEquals("* SEARCH 1", c.command("SEARCH " + "(".repeat(20) + "ALL" + ")".repeat(20)).get(0));
        }
    }

    @Test
    void anOverlongLineIsBadUnderItsTagAndTheConnectionGoesOn() throws Exception {
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login(imap.newUser("lines")); // a user of its own: it APPENDs
            c.command("SELECT INBOX");
            c.send("x1 NOOP " + "x".repeat(Limits.LINE_OCTETS + 100) + "\r\n");
            assertEquals(List.of("x1 BAD failed. A command line is limited to " + Limits.LINE_OCTETS
                    + " octets; the line was discarded."), c.until("x1"), "a client waits for its tag");
            assertAlive(c);
            // pipelined around it: every command answered, in order
            c.send("p1 NOOP\r\np2 SEARCH " + "ALL ".repeat(Limits.LINE_OCTETS / 4 + 10) + "\r\np3 NOOP\r\n");
            List<String> tagged = c.until("p3").stream().filter(l -> l.startsWith("p")).toList();
            assertEquals(3, tagged.size(), tagged.toString());
            assertTrue(tagged.get(0).startsWith("p1 OK") && tagged.get(1).startsWith("p2 BAD")
                    && tagged.get(2).startsWith("p3 OK"), tagged.toString());
            // after a literal James frames lines anew; the next over-long line is still answered under its tag
            c.send("l1 APPEND INBOX {26}\r\n");
            assertTrue(c.line().startsWith("+ "));
            c.send("Subject: s\r\n\r\nshort body\r\n\r\n");
            assertTrue(RawImap.last(c.until("l1")).startsWith("l1 OK"));
            c.send("x2 FETCH 1:* (FLAGS) " + "y".repeat(Limits.LINE_OCTETS) + "\r\n");
            assertTrue(RawImap.last(c.until("x2")).startsWith("x2 BAD failed. A command line is limited"));
            assertAlive(c);
        }
    }

    @Test
    void anOverlongLineWithoutATagIsAnsweredUntagged() throws Exception {
        try (RawImap c = selected()) {
            c.send("x".repeat(Limits.LINE_OCTETS + 100) + "\r\n");
            assertTrue(c.line().startsWith("* BAD"), "no tag to answer under");
            assertAlive(c);
        }
    }

    @Test
    void thousandsOfPipelinedCommandsAreAllAnswered() throws Exception {
        try (RawImap c = selected()) {
            StringBuilder flood = new StringBuilder();
            for (int i = 0; i < 5000; i++) {
                flood.append("p").append(i).append(i % 2 == 0 ? " NOOP\r\n" : " FETCH 1 (FLAGS)\r\n");
            }
            c.send(flood.toString());
            List<String> lines = c.until("p4999");
            long tagged = lines.stream().filter(l -> l.startsWith("p")).count();
            assertEquals(5000, tagged);
            assertTrue(lines.stream().filter(l -> l.startsWith("p")).allMatch(l -> l.contains(" OK ")),
                    "some pipelined commands were refused");
            assertAlive(c);
        }
    }

    @Test
    void aSynchronizingLiteralOverTheLimitIsRefusedBeforeItIsSent() throws Exception {
        try (RawImap c = selected()) {
            List<String> answer = c.command("APPEND INBOX {" + (Limits.MESSAGE_OCTETS + 1) + "}");
            assertEquals(1, answer.size(), "no continuation may be offered: " + answer);
            assertTrue(RawImap.last(answer).contains(" NO ") && RawImap.last(answer).contains("exceeds the limit"),
                    answer.toString());
            assertRefused("absurd size", c.command("APPEND INBOX {99999999999999999999}"));
            assertAlive(c);
            assertTrue(c.command("STATUS INBOX (MESSAGES)").get(0).contains("MESSAGES 1"));
        }
    }

    @Test
    void aNonSynchronizingLiteralOverTheLimitIsBadAndEndsTheConnection() throws Exception {
        try (RawImap c = selected()) {
            c.send("big APPEND INBOX {" + (Limits.MESSAGE_OCTETS + 1) + "+}\r\n");
            List<String> answer = c.until("big");
            assertTrue(RawImap.last(answer).startsWith("big BAD"), answer.toString());
            assertEquals(null, c.line(), "the connection should be closed");
        }
        try (RawImap c = selected()) {
            assertTrue(c.command("STATUS INBOX (MESSAGES)").get(0).contains("MESSAGES 1"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"APPEND INBOX {-5}", "APPEND INBOX {}", "APPEND INBOX {5a}", "SEARCH SUBJECT {-1}",
        "FETCH 1 (BODY.PEEK[HEADER.FIELDS ({-4}"})
    void aLiteralSizeThatIsNoNumberIsBadWithoutAContinuation(String command) throws Exception {
        try (RawImap c = selected()) {
            List<String> answer = c.command(command);
            assertEquals(1, answer.size(), "no continuation may be offered: " + answer);
            assertTrue(RawImap.last(answer).matches("a\\d+ BAD .*"), answer.toString());
            assertAlive(c);
            assertTrue(c.command("STATUS INBOX (MESSAGES)").get(0).contains("MESSAGES 1"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"APPEND INBOX {-5+}", "XFOO {-5+}"})
    void aNonSynchronizingLiteralSizeThatIsNoNumberIsBadAndEndsTheConnection(String command) throws Exception {
        try (RawImap c = selected()) {
            c.send("m1 " + command + "\r\nm2 CREATE Canary\r\n");
            List<String> answer = c.until("m1");
            assertTrue(RawImap.last(answer).startsWith("m1 BAD"), answer.toString());
            assertEquals(null, c.line(), "the connection should be closed");
        }
        try (RawImap c = selected()) {
            assertEquals(1, c.command("LIST \"\" Canary").size(), "the line after the literal was run");
        }
    }

    @Test
    void aCommandLongerThanALineOutsideLiteralsIsBadAndEndsTheConnection() throws Exception {
        try (RawImap c = selected()) {
            // James's parser reads on past the line end looking for "]": its decoder no longer splits lines
            String first = "long FETCH 1 (BODY[\r\n";
            c.send(first);
            c.send("x".repeat(Limits.LINE_OCTETS + 1 - first.length()));
            List<String> answer = c.until("long");
            assertTrue(RawImap.last(answer).startsWith("long BAD"), answer.toString());
            assertEquals(null, c.line(), "the connection should be closed");
        }
    }

    @Test
    void aLiteralLongerThanALineIsNotCountedAsTheCommandsLine() throws Exception {
        try (RawImap c = selected()) {
            assertTrue(RawImap.last(c.command("CREATE Large")).contains("OK"));
            String message = "Subject: large\r\n\r\n" + "y".repeat(78).concat("\r\n").repeat(2 * Limits.LINE_OCTETS / 80);
            String tag = c.nextTag();
            c.send(tag + " APPEND Large {" + message.length() + "}\r\n");
            assertTrue(c.line().startsWith("+ "));
            c.send(message);
            Thread.sleep(300); // the command's end arrives in a read of its own, after the whole literal
            c.send("\r\n");
            List<String> answer = c.until(tag);
            assertTrue(RawImap.last(answer).contains("OK"), answer.toString());
            assertTrue(c.command("STATUS Large (MESSAGES)").get(0).contains("MESSAGES 1"));
        }
    }

    @Test
    void theRestOfARefusedLineAfterALiteralIsNotRunAsACommand() throws Exception {
        try (RawImap c = selected()) {
            String tag = c.nextTag();
            c.send(tag + " STATUS {5}\r\n");
            assertTrue(c.line().startsWith("+ "));
            c.send("INBOX x s1 CREATE Smuggled\r\ns2 NOOP\r\n"); // pipelined behind it
            List<String> answer = c.until("s2");
            assertTrue(answer.get(0).startsWith(tag + " BAD"), answer.toString());
            assertEquals(2, answer.size(), "only the refusal and NOOP's answer: " + answer);
            String split = c.nextTag();
            c.send(split + " STATUS {5}\r\n");
            assertTrue(c.line().startsWith("+ "));
            c.send("INBOX x s3 CRE");
            Thread.sleep(300); // the rest of the line arrives in a read of its own
            c.send("ATE Smuggled\r\n");
            assertTrue(RawImap.last(c.until(split)).startsWith(split + " BAD"));
            assertAlive(c);
            assertEquals(1, c.command("LIST \"\" Smuggled").size(), "the rest of a refused line was run");
        }
    }

    @Test
    void aRefusedLineAfterALiteralThatAnnouncesANonSynchronizingLiteralEndsTheConnection() throws Exception {
        try (RawImap c = selected()) {
            String tag = c.nextTag();
            c.send(tag + " STATUS {5}\r\n");
            assertTrue(c.line().startsWith("+ "));
            c.send("INBOX {-3+}\r\ns4 CREATE Smuggled2\r\n");
            List<String> answer = c.until(tag);
            assertTrue(RawImap.last(answer).startsWith(tag + " BAD"), answer.toString());
            assertEquals(null, c.line(), "the connection should be closed");
        }
        try (RawImap c = selected()) {
            assertEquals(1, c.command("LIST \"\" Smuggled2").size(), "the literal's octets were run");
        }
    }

    @Test
    void aBraceInsideAQuotedNameAnnouncesNoLiteral() throws Exception {
        try (RawImap c = selected()) {
            assertTrue(RawImap.last(c.command("CREATE \"{x\"")).contains("OK"));
            List<String> rename = c.command("RENAME \"{x\" y}");
            assertTrue(RawImap.last(rename).contains("OK"), rename.toString());
            assertEquals(2, c.command("LIST \"\" y}").size());
        }
    }

    @Test
    void anAbandonedLiteralDoesNotHurtTheServer() throws Exception {
        try (RawImap c = selected()) {
            c.send("l1 APPEND INBOX {1000+}\r\nFrom: half a message\r\n");
        }
        try (RawImap c = selected()) {
            assertTrue(c.command("STATUS INBOX (MESSAGES)").get(0).contains("MESSAGES 1"));
            assertAlive(c);
        }
    }

    @Test
    void idleEndedByAnythingButDoneIsBad() throws Exception {
        try (RawImap c = selected()) {
            String tag = c.nextTag();
            c.send(tag + " IDLE\r\n");
            assertTrue(c.line().startsWith("+"));
            c.send("STOP\r\n");
            String bad = RawImap.last(c.until(tag));
            assertTrue(bad.contains("BAD"), bad);
            // IMAP replies are ASCII (RFC 3501 section 9): a section sign went out as '?'
            assertTrue(bad.chars().allMatch(ch -> ch > 0 && ch < 128) && bad.contains("RFC 2177 section 3"), bad);
            assertAlive(c);
        }
    }
}
