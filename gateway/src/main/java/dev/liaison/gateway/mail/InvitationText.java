package dev.liaison.gateway.mail;

import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimePartDataSource;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds an invitation token in a message sent to {@code accept@}: people forward the invitation
 * message (inline or attached), paste the link, or paste the bare token, and their clients encode
 * text as quoted-printable or base64. So the text parts are decoded (jakarta-mail/Angus, nested
 * multiparts and attached messages included) and searched first for a {@code
 * communicator:invitation/} link, then for a bare base64url run of {@value MailLimits#MIN_TOKEN_CHARS}
 * to {@value MailLimits#MAX_TOKEN_CHARS} characters. Only then are the raw octets searched, for a
 * link only: raw base64 attachment lines are long base64url-looking runs and would be mistaken for
 * bare tokens. Whether the token is a valid invitation is for the invitation codec to say.
 */
public final class InvitationText {

    private static final String TOKEN_CHARS = "[A-Za-z0-9_-]";
    private static final String RUN = TOKEN_CHARS + "{" + MailLimits.MIN_TOKEN_CHARS + "," + MailLimits.MAX_TOKEN_CHARS
            + "}(?!" + TOKEN_CHARS + ")";
    private static final Pattern LINK = Pattern.compile("communicator:invitation/(" + RUN + ")");
    private static final Pattern BARE = Pattern.compile("(?<!" + TOKEN_CHARS + ")(" + RUN + ")");
    private static final Pattern SOFT_LINE_BREAK = Pattern.compile("=\r?\n");
    private static final Session SESSION = Session.getInstance(new Properties());

    private InvitationText() {
    }

    /** The first invitation token in {@code message} (without any URI prefix), if there is one. */
    public static Optional<String> findInvitationToken(byte[] message) {
        List<String> texts = decodedTexts(message);
        for (String text : texts) {
            Optional<String> token = first(LINK, text);
            if (token.isPresent()) {
                return token;
            }
        }
        for (String text : texts) {
            Optional<String> token = first(BARE, text);
            if (token.isPresent()) {
                return token;
            }
        }
        String raw = new String(message, StandardCharsets.ISO_8859_1);
        return first(LINK, SOFT_LINE_BREAK.matcher(raw).replaceAll(""));
    }

    private static Optional<String> first(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            String token = matcher.group(1);
            if (plausible(token)) {
                return Optional.of(token);
            }
        }
        return Optional.empty();
    }

    /**
     * Unpadded base64 never has a length of 1 mod 4, and a run of only '-' and '_' is a rule
     * line under a heading, not a token.
     */
    private static boolean plausible(String token) {
        return token.length() % 4 != 1 && token.chars().anyMatch(Character::isLetterOrDigit);
    }

    /** Decoded text of every text part, in document order; empty when the MIME structure cannot be read. */
    private static List<String> decodedTexts(byte[] message) {
        List<String> texts = new ArrayList<>();
        try {
            collect(new MimeMessage(SESSION, new ByteArrayInputStream(message)), 0, texts, new int[] {0});
        } catch (MessagingException | IOException | RuntimeException e) {
            // Hostile or broken MIME: whatever was decoded so far is kept and the raw octets are
            // searched; a parser fault must not turn into "no reply" for the sender.
        }
        return texts;
    }

    private static void collect(Part part, int depth, List<String> texts, int[] parts)
            throws MessagingException, IOException {
        if (depth > MailLimits.MAX_MIME_DEPTH || ++parts[0] > MailLimits.MAX_MIME_PARTS) {
            return;
        }
        if (part.isMimeType("text/*")) {
            texts.add(text(part));
        } else if (part.isMimeType("multipart/*") && part instanceof MimePart mime) {
            // Built from the data source rather than getContent(), which would need the mailcap
            // registry (absent from a shaded jar) to find a handler.
            MimeMultipart multipart = new MimeMultipart(new MimePartDataSource(mime));
            for (int i = 0; i < multipart.getCount(); i++) {
                collectPart(multipart.getBodyPart(i), depth + 1, texts, parts);
            }
        } else if (part.isMimeType("message/rfc822")) {
            try (InputStream in = part.getInputStream()) {
                collect(new MimeMessage(SESSION, in), depth + 1, texts, parts);
            }
        }
    }

    /** One part that cannot be decoded (an unknown transfer encoding, say) does not hide its siblings. */
    private static void collectPart(Part part, int depth, List<String> texts, int[] parts) {
        try {
            collect(part, depth, texts, parts);
        } catch (MessagingException | IOException e) {
            // skipped: the raw search still sees its octets
        }
    }

    private static String text(Part part) throws MessagingException, IOException {
        try (InputStream in = part.getInputStream()) {
            return new String(in.readAllBytes(), charset(part));
        }
    }

    private static Charset charset(Part part) {
        try {
            String name = new ContentType(part.getContentType()).getParameter("charset");
            return name == null ? StandardCharsets.ISO_8859_1 : Charset.forName(MimeUtility.javaCharset(name));
        } catch (MessagingException | IllegalArgumentException e) {
            return StandardCharsets.ISO_8859_1; // tokens are ASCII: any ASCII-compatible reading finds them
        }
    }
}
