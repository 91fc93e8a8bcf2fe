package dev.liaison.smtp.message;

import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.smtp.SMTPSession;

/**
 * The header fields a server adds in front of the message: {@code Received:} (RFC 5321 §4.4, with
 * the RFC 3848 protocol keyword: {@code ESMTPSA} for submission, {@code ESMTP}/{@code ESMTPS} for
 * the inbound MX) and, for submission when the client sent none, {@code Message-ID:} (RFC 6409
 * §8.3) and {@code Date:} (§8.2: RFC 5322 requires one, and the receiving client sorts by it). The client's EHLO name is untrusted text and is reduced to DNS/literal characters before
 * it is written into a header.
 */
final class TraceFields {

    private static final DateTimeFormatter RFC5322_DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);
    private static final int MAX_HELO_ECHO = 64;

    private TraceFields() {
    }

    static byte[] render(Trace trace, boolean addMessageId, boolean addDate) {
        StringBuilder fields = new StringBuilder(256)
                .append("Received: from ").append(sanitize(trace.heloName()))
                .append(" ([").append(trace.clientAddress()).append("])\r\n")
                .append("\tby ").append(trace.hostname()).append(" with ").append(trace.protocol())
                .append(" id ").append(trace.id()).append(";\r\n")
                .append('\t').append(RFC5322_DATE.format(trace.received())).append("\r\n");
        if (addMessageId) {
            fields.append("Message-ID: <").append(trace.id()).append('@').append(trace.hostname()).append(">\r\n");
        }
        if (addDate) {
            fields.append("Date: ").append(RFC5322_DATE.format(trace.received())).append("\r\n");
        }
        return fields.toString().getBytes(StandardCharsets.US_ASCII);
    }

    static String sanitize(String heloName) {
        StringBuilder clean = new StringBuilder();
        for (int i = 0; i < heloName.length() && clean.length() < MAX_HELO_ECHO; i++) {
            char c = heloName.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || ".-:[]_".indexOf(c) >= 0) {
                clean.append(c);
            }
        }
        return clean.length() == 0 ? "unknown" : clean.toString();
    }

    /** The name the client gave in EHLO or HELO (after STARTTLS: the one it gave since). */
    static String heloName(SMTPSession session) {
        return session.getAttachment(SMTPSession.CURRENT_HELO_NAME, State.Connection).orElse("unknown");
    }

    /** Whether the client greeted with EHLO (ESMTP) rather than HELO. */
    static boolean saidEhlo(SMTPSession session) {
        return session.getAttachment(SMTPSession.CURRENT_HELO_MODE, State.Connection).filter("EHLO"::equals).isPresent();
    }

    /**
     * What the trace fields say about one transaction.
     *
     * @param protocol the RFC 3848 {@code with} keyword, e.g. {@code ESMTPS}
     */
    record Trace(String id, String heloName, String protocol, String clientAddress, String hostname,
                 ZonedDateTime received) {
    }
}
