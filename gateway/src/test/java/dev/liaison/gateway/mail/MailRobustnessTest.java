package dev.liaison.gateway.mail;

import static dev.liaison.gateway.mail.TestMail.concat;
import static dev.liaison.gateway.mail.TestMail.octets;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Truncated and mutated messages: every call either succeeds with its guarantees intact or throws
 * {@link MalformedMailException}; never a runtime exception, never a field outside the whitelist,
 * never a changed body.
 */
class MailRobustnessTest {

    private static final byte[] INTERESTING = octets("\r\n\0 \t:<>()\"\\@=?;,\u00e9\u00ff-_a");
    private static final Set<String> RELAYED = Set.of("subject", "date", "message-id", "in-reply-to", "references",
            "mime-version", "content-type", "content-transfer-encoding", "content-disposition", "content-language",
            "content-description", "importance", "priority", "x-priority", "keywords", "comments");

    @Test
    void mutatedMessagesAreRelayedWithTheirGuaranteesOrRefusedAsMalformed() {
        Random random = new Random(20250603);
        int relayed = 0;
        int refused = 0;
        for (byte[] sample : samples()) {
            for (byte[] input : mutations(sample, random)) {
                if (check(input)) {
                    relayed++;
                } else {
                    refused++;
                }
            }
        }
        assertTrue(relayed > 100 && refused > 100, "both outcomes exercised: " + relayed + " relayed, " + refused
                + " refused");
    }

    @Test
    void mutatedMessagesNeverMakeTheTokenFinderThrow() {
        Random random = new Random(7);
        byte[] notice = Notices.invitation("a.example", "u@a.example", "A", "x".repeat(100),
                "communicator:invitation/" + "x".repeat(100), new byte[64], Instant.EPOCH, Instant.EPOCH);
        for (byte[] input : mutations(notice, random, 500)) {
            InvitationText.findInvitationToken(input);
        }
    }

    /** Returns whether the message was relayed; fails the test on anything but a clean refusal. */
    private static boolean check(byte[] input) {
        OutgoingMail.Prepared prepared;
        try {
            prepared = OutgoingMail.prepare(input);
        } catch (MalformedMailException e) {
            return false;
        }
        try {
            assertOnlyRelayedFields(prepared.sealed());
            assertArrayEquals(prepared.sealed(), OutgoingMail.prepare(prepared.sealed()).sealed(), "idempotent");
            byte[] delivered = IncomingMail.deliverable(prepared.sealed(), "Peer", "p.x1@b.example", "me@b.example");
            assertArrayEquals(rest(input), rest(delivered), "body unchanged");
            assertArrayEquals(rest(input), rest(prepared.sentCopy()), "body unchanged in the Sent copy");
        } catch (MalformedMailException e) {
            throw new AssertionError("a prepared message was refused on the next step: " + e.getMessage(), e);
        }
        return true;
    }

    private static void assertOnlyRelayedFields(byte[] sealed) throws MalformedMailException {
        for (HeaderSection.Field field : HeaderSection.parse(sealed).fields()) {
            assertTrue(RELAYED.contains(field.lowerName()), field.name());
        }
    }

    /** Everything after the header fields (the empty line and the body). */
    private static byte[] rest(byte[] message) throws MalformedMailException {
        HeaderSection section = HeaderSection.parse(message);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        section.copyRest(out);
        return out.toByteArray();
    }

    private static List<byte[]> samples() {
        return List.of(
                concat(octets("Received: from h ([192.0.2.1])\r\n\tby g;\r\n\tTue, 3 Jun 2025 10:00:00 +0000\r\n"
                        + "From: \"A (x)\" <a@h>\r\nSubject: s\r\n t\r\nMessage-ID: <m.1@h>\r\n"
                        + "In-Reply-To: \"p\" <p@h> (c)\r\nReferences: <r@h>\r\n <p@h>\r\nMIME-Version: 1.0\r\n"
                        + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"), TestMail.awkwardMultipartBody(3)),
                octets("Message-ID: <x@y>\r\nSubject: short\r\n\r\nbody\r\n"));
    }

    private static List<byte[]> mutations(byte[] sample, Random random) {
        return mutations(sample, random, 3000);
    }

    private static List<byte[]> mutations(byte[] sample, Random random, int count) {
        List<byte[]> out = new ArrayList<>();
        int headerEnd = Math.min(sample.length, 700);
        for (int length = 0; length < headerEnd; length += 3) {
            out.add(Arrays.copyOf(sample, length));
        }
        for (int i = 0; i < count; i++) {
            byte[] mutated = sample.clone();
            int changes = 1 + random.nextInt(3);
            for (int c = 0; c < changes; c++) {
                mutated[random.nextInt(headerEnd)] = random.nextBoolean()
                        ? INTERESTING[random.nextInt(INTERESTING.length)]
                        : (byte) random.nextInt(256);
            }
            out.add(mutated);
        }
        return out;
    }
}
