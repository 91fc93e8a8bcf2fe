package dev.liaison.smtp.message;

import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The header fields a submission server adds in front of the message: {@code Received:} (RFC 5321
 * §4.4; "ESMTPSA" per RFC 3848 since every submission here is over TLS and authenticated) and,
 * when the client sent none, {@code Message-ID:} (RFC 6409 §8.3). The client's EHLO name is
 * untrusted text and is reduced to DNS/literal characters before it is written into a header.
 */
final class TraceFields {

    private static final DateTimeFormatter RFC5322_DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);
    private static final int MAX_HELO_ECHO = 64;

    private TraceFields() {
    }

    static byte[] render(Trace trace, boolean addMessageId) {
        StringBuilder fields = new StringBuilder(256)
                .append("Received: from ").append(sanitize(trace.heloName()))
                .append(" ([").append(trace.clientAddress()).append("])\r\n")
                .append("\tby ").append(trace.hostname()).append(" with ").append(trace.esmtp() ? "ESMTPSA" : "SMTPSA")
                .append(" id ").append(trace.submissionId()).append(";\r\n")
                .append('\t').append(RFC5322_DATE.format(trace.received())).append("\r\n");
        if (addMessageId) {
            fields.append("Message-ID: <").append(trace.submissionId()).append('@').append(trace.hostname()).append(">\r\n");
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

    /** What the trace fields say about one transaction. */
    record Trace(String submissionId, String heloName, boolean esmtp, String clientAddress, String hostname,
                 ZonedDateTime received) {
    }
}
