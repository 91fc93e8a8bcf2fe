package dev.liaison.gateway.mail;

import jakarta.mail.internet.MimeUtility;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The RFC 3464 delivery status notification behind {@link Notices#undeliverable}: {@code
 * multipart/report; report-type=delivery-status} (RFC 6522) with a text part for the person, a
 * {@code message/delivery-status} part for software, and the original's header section as {@code
 * text/rfc822-headers} (RFC 6522 §3 allows either; the headers say which message it was, and the
 * message itself is in the sender's Sent folder, so the gateway need not keep every body it
 * relays until it is delivered).
 */
final class DeliveryReport {

    /**
     * Why and since when a message was not delivered; {@code plainEmail}, whether it was plain email
     * (else Communicator mail to a gateway), and {@code smtpReply}, the mail server's last reply
     * (code first) when there was one.
     */
    record Failure(boolean expired, String reason, Instant since, Instant date, boolean plainEmail,
                   Optional<String> smtpReply) {
    }

    /** A reply's enhanced status code (RFC 3463) after its basic code: "550 5.1.1 …" → 5.1.1. */
    private static final Pattern ENHANCED = Pattern.compile("^[45][0-9][0-9][ -]([245]\\.[0-9]{1,3}\\.[0-9]{1,3})\\b");

    private static final String NO_SUBJECT = "(no subject)";

    private DeliveryReport() {
    }

    static byte[] render(String domain, String recipient, String alias, byte[] original, Failure failure) {
        HeaderText.requireAddress(alias, "alias");
        NoticeWriter writer = new NoticeWriter(domain, failure.date(),
                "\"Mail Delivery System\" <" + Notices.NOTICE_SENDER + "@" + domain + ">", recipient,
                "Undeliverable: " + originalSubject(original));
        writer.field("Auto-Submitted", "auto-replied");
        byte[] headers = headerSection(original);
        List<NoticeWriter.Part> parts = List.of(
                NoticeWriter.Part.text(humanText(alias, failure)),
                new NoticeWriter.Part("Content-Type: message/delivery-status\r\nContent-Transfer-Encoding: 7bit\r\n",
                        status(domain, alias, failure).getBytes(StandardCharsets.US_ASCII)),
                new NoticeWriter.Part("Content-Type: text/rfc822-headers\r\nContent-Transfer-Encoding: "
                        + (isSevenBit(headers) ? "7bit" : "8bit") + "\r\n", headers));
        return writer.multipart("report; report-type=delivery-status", parts);
    }

    private static String humanText(String alias, Failure failure) {
        String why = failure.expired()
                ? "Liaison kept trying to deliver it since " + Notices.humanDate(failure.since()) + ", but "
                        + (failure.plainEmail() ? "it could not be handed to the recipient's mail server"
                        : "the recipient's gateway could not be reached") + ", and it has now given up."
                : "It was refused after you sent it on " + Notices.humanDate(failure.since()) + ".";
        return "Your message to " + alias + " could not be delivered.\n\n" + why + "\n\n"
                + "Reason: " + HeaderText.clean(failure.reason(), MailLimits.MAX_REASON_CHARS) + "\n\n"
                + "The header of your original message is attached; the message itself is in your Sent folder.\n";
    }

    /**
     * The header section of {@code message}: everything before the first empty line, its last line
     * ending included (a whole message whose body was kept by an older version, or only its header).
     * Lenient on purpose: a notice must go out even for a message that does not parse.
     */
    static byte[] headerSection(byte[] message) {
        for (int i = 0; i < message.length; i++) {
            if (message[i] == '\n' && i + 1 < message.length) {
                int next = i + 1;
                if (message[next] == '\n') {
                    return java.util.Arrays.copyOf(message, next);
                }
                if (message[next] == '\r' && next + 1 < message.length && message[next + 1] == '\n') {
                    return java.util.Arrays.copyOf(message, next);
                }
            }
        }
        return message;
    }

    /** RFC 3464 §2.2 per-message fields, an empty line, §2.3 per-recipient fields. */
    private static String status(String domain, String alias, Failure failure) {
        String diagnostic = failure.smtpReply().map(reply -> "smtp; " + reply).orElse("x-liaison; " + failure.reason());
        return "Reporting-MTA: dns; " + domain + "\r\n"
                + "Arrival-Date: " + HeaderText.date(failure.since()) + "\r\n"
                + "\r\n"
                + "Final-Recipient: rfc822; " + alias + "\r\n"
                + "Action: failed\r\n"
                + "Status: " + statusCode(failure) + "\r\n"
                + "Diagnostic-Code: " + HeaderText.asciiLine(diagnostic, MailLimits.MAX_REASON_CHARS) + "\r\n"
                + "Last-Attempt-Date: " + HeaderText.date(failure.date()) + "\r\n";
    }

    /** Expired: 4.4.7; refused: the server's own enhanced code when it gave a permanent one, else 5.0.0. */
    private static String statusCode(Failure failure) {
        if (failure.expired()) {
            return "4.4.7";
        }
        return failure.smtpReply().map(ENHANCED::matcher).filter(Matcher::find).map(m -> m.group(1))
                .filter(code -> code.startsWith("5")).orElse("5.0.0");
    }

    /**
     * The original's subject as text: encoded-words decoded, raw 8-bit octets read as UTF-8
     * (RFC 6532), so that {@link HeaderText#unstructured} can write it again cleanly. An original
     * we cannot parse still gets its notice, with no subject.
     */
    private static String originalSubject(byte[] original) {
        try {
            HeaderSection section = HeaderSection.parse(original);
            for (HeaderSection.Field field : section.fields()) {
                if (field.is("Subject")) {
                    return decoded(section.value(field).trim());
                }
            }
        } catch (MalformedMailException e) {
            return NO_SUBJECT;
        }
        return NO_SUBJECT;
    }

    private static String decoded(String latin1) {
        String text = new String(latin1.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
        String cut = HeaderText.clean(text, MailLimits.MAX_SUBJECT_CODE_POINTS * 4);
        try {
            return HeaderText.clean(MimeUtility.decodeText(cut), MailLimits.MAX_SUBJECT_CODE_POINTS);
        } catch (UnsupportedEncodingException e) {
            return HeaderText.clean(cut, MailLimits.MAX_SUBJECT_CODE_POINTS);
        }
    }

    private static boolean isSevenBit(byte[] message) {
        for (byte b : message) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }
}
