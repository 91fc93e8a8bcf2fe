package dev.liaison.gateway.mail;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Messages the gateway itself writes into a user's mailbox. Each is CRLF RFC 5322 with
 * {@code Date}, a fresh random {@code Message-ID} on {@code domain}, {@code MIME-Version} and
 * UTF-8 quoted-printable text. Names and reasons are untrusted text and are cleaned
 * ({@link HeaderText}); the addresses and domain are the gateway's own values, and a malformed one
 * is refused with {@link IllegalArgumentException}.
 */
public final class Notices {

    private static final DateTimeFormatter HUMAN_DATE =
            DateTimeFormatter.ofPattern("d MMMM yyyy 'at' HH:mm 'UTC'", Locale.US).withZone(ZoneOffset.UTC);
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Pattern URI = Pattern.compile("communicator:[\\x21-\\x7e]+");
    private static final String LIAISON = "\"Liaison\"";
    /**
     * The local part failure notices come from, as in Postfix: an address the gateway knows, which
     * takes no mail ({@code OwnAliasPolicy} refuses a reply to it saying so). Not {@code postmaster},
     * which may have no mailbox (the {@code postmaster} setting is optional) and, where it has one,
     * is the administrator's, not the place for replies to notices. No alias can have it: generated
     * local parts contain a dot.
     */
    public static final String NOTICE_SENDER = "MAILER-DAEMON";

    private Notices() {
    }

    /**
     * First message of a new relationship, delivered from the relationship's alias so that
     * replying to it writes to the peer.
     */
    public static byte[] connected(String domain, String peerName, String alias, String recipient, Instant date) {
        HeaderText.requireAddress(alias, "alias");
        String name = HeaderText.clean(peerName, MailLimits.MAX_DISPLAY_NAME_CODE_POINTS);
        String who = name.isEmpty() ? "a new contact" : name;
        String text = "You are now connected with " + who + ".\n\n"
                + "Reply to this message (or write to " + alias + ") to write to them.\n";
        return new NoticeWriter(domain, date, HeaderText.mailbox(peerName, alias), recipient, "Connected with " + who)
                .field("Auto-Submitted", "auto-generated")
                .text(text);
    }

    /**
     * The peer ended the relationship: one notice, from its alias, so the user learns it before
     * writing there (the alias refuses mail from now on).
     */
    public static byte[] ended(String domain, String peerName, String alias, String recipient, Instant date) {
        HeaderText.requireAddress(alias, "alias");
        String name = HeaderText.clean(peerName, MailLimits.MAX_DISPLAY_NAME_CODE_POINTS);
        String who = name.isEmpty() ? "Your contact" : name;
        String text = who + " has ended your relationship.\n\n"
                + "Mail to " + alias + " is refused from now on, and nothing more arrives from it."
                + " To write to them again, one of you needs to send a new invitation.\n";
        return new NoticeWriter(domain, date, HeaderText.mailbox(peerName, alias), recipient, "Relationship ended: " + who)
                .field("Auto-Submitted", "auto-generated")
                .text(text);
    }

    /** A legacy conversation now travels end-to-end encrypted: one notice, from the correspondent's alias. */
    public static byte[] upgraded(String domain, String peerName, String alias, String recipient, Instant date) {
        HeaderText.requireAddress(alias, "alias");
        String name = HeaderText.clean(peerName, MailLimits.MAX_DISPLAY_NAME_CODE_POINTS);
        String who = name.isEmpty() ? "this correspondent" : name;
        String text = "Your conversation with " + who + " is end-to-end encrypted from now on: their gateway"
                + " speaks the Communicator protocol too, so mail between you no longer travels as plain email.\n\n"
                + "Nothing changes for you: keep writing to " + alias + ". Plain email that claims to come from "
                + who + " from now on is put in Junk with a warning.\n";
        return new NoticeWriter(domain, date, HeaderText.mailbox(peerName, alias), recipient,
                "Now end-to-end encrypted: " + who)
                .field("Auto-Submitted", "auto-generated")
                .text(text);
    }

    /**
     * Answer to a message sent to {@code invite@domain}: the invitation as link, token and QR
     * code ({@code invitation.png}), with how to pass it on and how the other person accepts it.
     */
    public static byte[] invitation(String domain, String recipient, String ownName, String token, String uri,
                                    byte[] qrPng, Instant expires, Instant date) {
        requireToken(token, uri);
        String name = HeaderText.clean(ownName, MailLimits.MAX_DISPLAY_NAME_CODE_POINTS);
        String subject = name.isEmpty() ? "Your Liaison invitation" : "Liaison invitation from " + name;
        NoticeWriter.Part qr = new NoticeWriter.Part("Content-Type: image/png; name=\"invitation.png\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n"
                + "Content-Disposition: attachment; filename=\"invitation.png\"\r\n", TransferEncoding.base64(qrPng));
        return new NoticeWriter(domain, date, LIAISON + " <invite@" + domain + ">", recipient, subject)
                .field("Auto-Submitted", "auto-replied")
                .multipart("mixed", List.of(NoticeWriter.Part.text(invitationText(name, token, uri, expires)), qr));
    }

    /** Answer to a message sent to {@code accept@domain} whose invitation could not be accepted. */
    public static byte[] acceptFailed(String domain, String recipient, String reason, Instant date) {
        String text = "Your invitation could not be accepted: " + HeaderText.clean(reason, MailLimits.MAX_REASON_CHARS)
                + "\n\nSend the whole invitation message (or its link or token) to accept@" + domain
                + ", or ask the person who invited you for a new invitation.\n";
        return new NoticeWriter(domain, date, LIAISON + " <accept@" + domain + ">", recipient, "Invitation not accepted")
                .field("Auto-Submitted", "auto-replied")
                .text(text);
    }

    /**
     * RFC 3464 delivery status notification for a message that could not be delivered to
     * {@code alias}: a human-readable part, a {@code message/delivery-status} part ({@code Status:
     * 4.4.7} when it expired in the queue, {@code 5.0.0} when it was rejected) and the original's
     * header section attached as {@code text/rfc822-headers}, byte-for-byte. {@code original} may be
     * the whole message or only its {@link #returnedHeader header}.
     */
    public static byte[] undeliverable(String domain, String recipient, String alias, byte[] original, boolean expired,
                                       String reason, Instant since, Instant date) {
        return DeliveryReport.render(domain, recipient, alias, original,
                new DeliveryReport.Failure(expired, reason, since, date, false, Optional.empty()));
    }

    /**
     * {@link #undeliverable} of plain email: {@code smtpReply}, the recipient's mail server's last
     * reply (code first), becomes the report's {@code Diagnostic-Code: smtp;} and, for a refusal,
     * gives its enhanced status code (RFC 3463) to {@code Status}.
     */
    public static byte[] undeliverablePlainEmail(String domain, String recipient, String address, byte[] original,
                                                 boolean expired, String reason, Optional<String> smtpReply,
                                                 Instant since, Instant date) {
        return DeliveryReport.render(domain, recipient, address, original,
                new DeliveryReport.Failure(expired, reason, since, date, true, smtpReply));
    }

    /** What a failure notice returns of a message: its header section (keep only this for one). */
    public static byte[] returnedHeader(byte[] message) {
        return DeliveryReport.headerSection(message);
    }

    static String humanDate(Instant instant) {
        return HUMAN_DATE.format(instant);
    }

    private static String invitationText(String name, String token, String uri, Instant expires) {
        return "This is your invitation to connect on Liaison" + (name.isEmpty() ? "" : " as \"" + name + "\"") + ".\n\n"
                + "Forward this message to the person you want to connect with. They accept it by\n"
                + "sending it (or just the link or the token below) to\n"
                + "accept@<the domain of their own Liaison gateway>, or on their gateway with\n\n"
                + "    liaison invite accept --user THEIR-LOGIN TOKEN\n\n"
                + "The invitation works once and expires on " + humanDate(expires) + ". Whoever has it\n"
                + "can use it, so send it only to the person it is meant for.\n\n"
                + "Link:\n" + uri + "\n\n"
                + "Token:\n" + token + "\n\n"
                + "The attached invitation.png holds the same link as a QR code.\n";
    }

    private static void requireToken(String token, String uri) {
        if (!TOKEN.matcher(token).matches() || token.length() > MailLimits.MAX_TOKEN_CHARS) {
            throw new IllegalArgumentException("invitation token must be 1 to " + MailLimits.MAX_TOKEN_CHARS
                    + " base64url characters (" + token.length() + " characters given)");
        }
        if (!URI.matcher(uri).matches()) {
            throw new IllegalArgumentException("invitation URI must be a communicator: URI of printable ASCII");
        }
    }
}
