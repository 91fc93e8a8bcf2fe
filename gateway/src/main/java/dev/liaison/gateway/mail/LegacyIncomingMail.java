package dev.liaison.gateway.mail;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.ParseException;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plain email from a legacy correspondent, as the user's mail client is shown it: {@code From}
 * becomes the correspondent's local alias (so a reply goes back through the relationship), the
 * original {@code From} is kept as {@code X-Original-From}, and {@code Reply-To} and
 * {@code Sender} are dropped (a reply must not bypass the alias). Everything else, the body
 * included, passes byte for byte.
 */
public final class LegacyIncomingMail {

    /** Who the message says it is from: the address (lower case) and display name of the first {@code From} mailbox. */
    public record Author(String address, Optional<String> displayName) {

        /**
         * Whether the address is ASCII. One with a UTF-8 local part (RFC 6531) cannot be a
         * correspondent: the user's replies leave as plain email through a smarthost, without
         * SMTPUTF8, which cannot carry it.
         */
        public boolean ascii() {
            return address.chars().allMatch(c -> c < 0x80);
        }
    }

    private static final Pattern ANGLE_BRACKETED = Pattern.compile("<([^<>]*)>");
    private static final String MAILTO = "mailto:";

    private final byte[] message;
    private final HeaderSection header;
    private final Author author;
    private final String messageId;
    private final Optional<String> invitation;
    private final boolean report;
    private final boolean automatic;
    private final Optional<String> listPost;

    private LegacyIncomingMail(byte[] message, HeaderSection header, Author author, String messageId,
                               Optional<String> invitation, boolean report, boolean automatic,
                               Optional<String> listPost) {
        this.message = message;
        this.header = header;
        this.author = author;
        this.messageId = messageId;
        this.invitation = invitation;
        this.report = report;
        this.automatic = automatic;
        this.listPost = listPost;
    }

    /** {@link MalformedMailException} without exactly one parseable {@code From} mailbox. */
    public static LegacyIncomingMail parse(byte[] message) throws MalformedMailException {
        HeaderSection header = HeaderSection.parse(message);
        String from = null;
        String messageId = "";
        Optional<String> invitation = Optional.empty();
        int invitations = 0;
        boolean report = false;
        boolean automatic = false;
        Optional<String> listPost = Optional.empty();
        boolean listPostSeen = false;
        boolean listed = false;
        for (HeaderSection.Field field : header.fields()) {
            if (field.is(LegacyOutgoingMail.INVITE_FIELD)) {
                invitations++;
                // folded into pieces by the sender (LegacyOutgoingMail): the whitespace is not the token's
                invitation = Optional.of(header.value(field).replaceAll("[ \t]", "")).filter(v -> !v.isEmpty());
            }
            if (field.is("From")) {
                if (from != null) {
                    throw new MalformedMailException("more than one From field");
                }
                from = header.text(field); // a UTF-8 display name (RFC 6532) is the name the user sees
            } else if (field.is("Message-ID") && messageId.isEmpty()) {
                messageId = header.value(field).strip();
            } else if (field.is("Content-Type")) {
                report = isReport(header.value(field));
            } else if (field.is("Auto-Submitted")) {
                automatic |= isAutomatic(header.value(field));
            } else if (field.is("List-Post") && !listPostSeen) {
                listPostSeen = true;
                listPost = listPost(header.value(field));
            }
            listed |= field.is("List-Id") || field.is("List-Post");
        }
        if (from == null) {
            throw new MalformedMailException("no From field: a correspondent must say who they are");
        }
        if (invitations > 1 || listed) {
            // a signature covers the bottom-most instance only: which one the author vouched for
            // cannot be told from the top one, so none is taken; and a list relays its members'
            // posts, invitation and signature intact, to every subscriber: an invitation there was
            // offered to the list, and taken up by a subscriber's gateway it would turn the author's
            // relationship with the list into one with that subscriber
            invitation = Optional.empty();
        }
        return new LegacyIncomingMail(message, header, author(from), messageId, invitation, report, automatic,
                listPost);
    }

    /**
     * RFC 3834 §5: {@code Auto-Submitted} other than {@code no} ({@code auto-replied},
     * {@code auto-generated}, or any extension) says no person wrote the message; a keyword may be
     * followed by parameters or a comment.
     */
    private static boolean isAutomatic(String value) {
        String keyword = value.strip().split("[;( \t]", 2)[0].toLowerCase(Locale.ROOT);
        return !keyword.isEmpty() && !keyword.equals("no");
    }

    /**
     * The posting address a {@code List-Post} value names (RFC 2369 §3.4): its first {@code mailto}
     * URI's address, without the URI's parameters ({@code ?subject=…}), lower case. Empty for
     * {@code NO} (a list nobody posts to), for URIs of other schemes only, and for an address that is
     * not a plain {@code local@domain}: it is compared with the addresses the user writes to, never
     * written anywhere.
     */
    static Optional<String> listPost(String value) {
        Matcher uris = ANGLE_BRACKETED.matcher(value);
        while (uris.find()) {
            String uri = uris.group(1).replaceAll("[ \t]", ""); // RFC 2369 §2: whitespace in a URI is ignored
            if (uri.regionMatches(true, 0, MAILTO, 0, MAILTO.length())) {
                String address = uri.substring(MAILTO.length());
                int parameters = address.indexOf('?');
                address = percentDecoded(parameters < 0 ? address : address.substring(0, parameters))
                        .toLowerCase(Locale.ROOT);
                return HeaderText.isPlainAddress(address) ? Optional.of(address) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** RFC 6068 §2: a mailto address may escape characters as %XX (one that is not ASCII is no plain address). */
    private static String percentDecoded(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == '%' && i + 2 < text.length() && HexFormat.isHexDigit(text.charAt(i + 1))
                    && HexFormat.isHexDigit(text.charAt(i + 2))) {
                out.append((char) HexFormat.fromHexDigits(text, i + 1, i + 3));
                i += 2;
            } else {
                out.append(ch);
            }
        }
        return out.toString();
    }

    /** RFC 6522: a delivery status notification (RFC 3464) or a disposition notification (RFC 8098). */
    private static boolean isReport(String contentType) {
        try {
            ContentType type = new ContentType(contentType.strip());
            String reportType = String.valueOf(type.getParameter("report-type")).toLowerCase(Locale.ROOT);
            return type.match("multipart/report")
                    && (reportType.equals("delivery-status") || reportType.equals("disposition-notification"));
        } catch (ParseException e) {
            return false;
        }
    }

    /**
     * The Liaison message ids ({@code <h@liaison.invalid>}, the form every message leaving a
     * Liaison gateway has) that this message names, lower case, without angle brackets, at most
     * {@link MailLimits#MAX_REPORT_IDS} of them: an auto-reply names the message it answers
     * ({@code In-Reply-To}, {@code References}), and a report or a plain-text bounce that returns a
     * message's header section (RFC 3464 §2, RFC 8098 §3.2.9, qmail's "copy of the message") names
     * it. Only the header section and the first {@link MailLimits#MAX_SCANNED_BODY_BYTES} of the body
     * are searched: a returned header comes before the returned body, and a message of many
     * megabytes is not read to its end for it. Whether one is a message the user sent is for the
     * caller to look up: anyone can write an id of this form.
     */
    public Set<String> liaisonMessageIds() {
        byte[] needle = ("@" + MessageIds.NEUTRAL_DOMAIN + ">").getBytes(StandardCharsets.US_ASCII);
        int hash = MessageIds.HASH_CHARS;
        int end = (int) Math.min(message.length, (long) header.bodyStart() + MailLimits.MAX_SCANNED_BODY_BYTES);
        Set<String> ids = new LinkedHashSet<>();
        for (int i = hash + 1; i + needle.length <= end && ids.size() < MailLimits.MAX_REPORT_IDS; i++) {
            if (matchesAt(message, i, needle) && message[i - hash - 1] == '<') {
                String id = new String(message, i - hash, hash + needle.length - 1, StandardCharsets.US_ASCII)
                        .toLowerCase(Locale.ROOT);
                if (MessageIds.isNeutral(id)) {
                    ids.add(id);
                }
            }
        }
        return ids;
    }

    /** Whether {@code needle} (lower-case ASCII) is at {@code at} in {@code message}, in any letter case. */
    private static boolean matchesAt(byte[] message, int at, byte[] needle) {
        for (int j = 0; j < needle.length; j++) {
            if ((message[at + j] | 0x20) != (needle[j] | 0x20)) {
                return false;
            }
        }
        return true;
    }

    public Author author() {
        return author;
    }

    /**
     * The Communicator invitation the sender's gateway offered ({@code Communicator-Invite}),
     * unchecked; none when the field comes more than once.
     */
    public Optional<String> invitation() {
        return invitation;
    }

    /**
     * The posting address of the mailing list that delivered this message ({@code List-Post}'s
     * {@code mailto}, lower case), if it names one: a reply to that address may give the list its
     * post's {@code Message-ID} back.
     */
    public Optional<String> listPost() {
        return listPost;
    }

    /** Whether the message is a report ({@code multipart/report}): what mail servers send back about mail. */
    public boolean isReport() {
        return report;
    }

    /** Whether the message says no person wrote it ({@code Auto-Submitted} other than {@code no}, RFC 3834). */
    public boolean isAutomatic() {
        return automatic;
    }

    /** The {@code Message-ID} as written, or empty: what a reply's {@code In-Reply-To} names. */
    public String messageId() {
        return messageId;
    }

    /**
     * The message as delivered to the user: from {@code alias} shown as {@code name}, with a
     * warning field when {@code warning} is present (e.g. plain mail from an upgraded correspondent).
     */
    public byte[] asFrom(String alias, String name, Optional<String> warning) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(header.sizeHint());
        List<HeaderSection.Field> fields = header.fields();
        int trace = 0;
        while (trace < fields.size() && isTrace(fields.get(trace))) {
            header.copy(fields.get(trace++), out); // trace fields stay on top (RFC 5322 §3.6.7, RFC 5321 §4.4)
        }
        write(out, "From: " + HeaderText.mailbox(name, alias));
        write(out, "X-Original-From: " + HeaderText.mailbox(author.displayName().orElse(""), author.address()));
        warning.ifPresent(w -> write(out, "X-Liaison-Warning: " + HeaderText.unstructured(w)));
        for (HeaderSection.Field field : fields.subList(trace, fields.size())) {
            if (!field.is("From") && !field.is("Reply-To") && !field.is("Sender") && !gatewayOnly(field)) {
                header.copy(field, out);
            }
        }
        header.copyRest(out);
        return out.toByteArray();
    }

    /**
     * A report as the user's mail client is shown it: from the reporting server as it came (it
     * speaks for no correspondent, so there is no alias to put in its place), without the fields
     * only the gateway may write, with a warning field when {@code warning} is present.
     */
    public byte[] asReport(Optional<String> warning) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(header.sizeHint());
        warning.ifPresent(w -> write(out, "X-Liaison-Warning: " + HeaderText.unstructured(w)));
        for (HeaderSection.Field field : header.fields()) {
            if (!gatewayOnly(field)) {
                header.copy(field, out);
            }
        }
        header.copyRest(out);
        return out.toByteArray();
    }

    /** The fields servers prepend as mail passes them, which readers and filters expect first. */
    private static boolean isTrace(HeaderSection.Field field) {
        String name = field.lowerName();
        return name.equals("return-path") || name.equals("received") || name.equals("received-spf")
                || name.equals("authentication-results") || name.startsWith("arc-");
    }

    private static boolean gatewayOnly(HeaderSection.Field field) {
        return field.is("X-Original-From") || field.is("X-Liaison-Warning") || field.is(LegacyOutgoingMail.INVITE_FIELD);
    }

    private static Author author(String from) throws MalformedMailException {
        try {
            InternetAddress[] addresses = InternetAddress.parseHeader(from.strip(), true);
            if (addresses.length != 1 || addresses[0].getAddress() == null || !addresses[0].getAddress().contains("@")) {
                throw new MalformedMailException("From must name exactly one mailbox, not '" + HeaderText.clean(from, 100) + "'");
            }
            String name = addresses[0].getPersonal();
            return new Author(addresses[0].getAddress().toLowerCase(Locale.ROOT),
                    Optional.ofNullable(name).map(n -> HeaderText.clean(n, 100)).filter(n -> !n.isBlank()));
        } catch (AddressException e) {
            throw new MalformedMailException("From is not an address: " + e.getMessage());
        }
    }

    private static void write(ByteArrayOutputStream out, String field) {
        out.writeBytes((field + "\r\n").getBytes(StandardCharsets.UTF_8));
    }
}
