package dev.liaison.gateway.mail;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Rewrites {@code Message-ID}, {@code In-Reply-To} and {@code References} to neutral ids.
 *
 * <p>Clients put host names, account names and counters into message ids; relayed as written,
 * they would tell the peer which machine and which account a relationship alias belongs to.
 * Each id is therefore replaced by a hash of itself, {@code <h@liaison.invalid>} where {@code h}
 * is the first 26 characters of lowercase unpadded base32 of SHA-256 of the octets between the
 * angle brackets (130 bits). The hash is deterministic, so a reply's {@code In-Reply-To} meets the
 * rewritten {@code Message-ID} of what it answers on both sides; an id already in that form is
 * kept, so replying to a relayed message does not hash its id a second time. {@code .invalid}
 * (RFC 2606) never resolves, so the id names no host.
 */
final class MessageIds {

    static final String NEUTRAL_DOMAIN = "liaison.invalid";
    static final int HASH_CHARS = 26;
    private static final Pattern NEUTRAL = Pattern.compile("[a-z2-7]{" + HASH_CHARS + "}@liaison\\.invalid");
    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

    private MessageIds() {
    }

    /** Whether the field is one of the three whose ids are rewritten. */
    static boolean carriesIds(HeaderSection.Field field) {
        return field.is("Message-ID") || field.is("In-Reply-To") || field.is("References");
    }

    /**
     * Checks that the message has exactly one {@code Message-ID} field holding exactly one id:
     * the thread of everything after it hangs on that id, so a guess would split threads.
     */
    static void requireMessageId(HeaderSection section) throws MalformedMailException {
        HeaderSection.Field found = null;
        for (HeaderSection.Field field : section.fields()) {
            if (field.is("Message-ID")) {
                if (found != null) {
                    throw new MalformedMailException("second Message-ID field at offset " + field.start()
                            + " (the first is at offset " + found.start() + "); RFC 5322 allows one");
                }
                found = field;
            }
        }
        if (found == null) {
            throw new MalformedMailException("no Message-ID field; every relayed message needs one");
        }
        int count = ids(section.value(found)).size();
        if (count != 1) {
            throw new MalformedMailException("Message-ID field at offset " + found.start() + " holds " + count
                    + " <id>s; exactly one is required");
        }
    }

    /**
     * The field rewritten with neutral ids, as complete CRLF-terminated bytes under its
     * canonical name, each id on its own line; empty when nothing parseable remains (the field
     * is then dropped). Comments and phrases between the ids are dropped.
     */
    static byte[] rewrite(HeaderSection section, HeaderSection.Field field) {
        List<String> ids = trimmed(ids(section.value(field)));
        if (ids.isEmpty()) {
            return new byte[0];
        }
        StringBuilder out = new StringBuilder(canonicalName(field)).append(':');
        for (String id : ids) {
            out.append(" <").append(neutral(id)).append(">\r\n");
        }
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Whether {@code id} (without angle brackets) is in the neutral form already. */
    static boolean isNeutral(String id) {
        return NEUTRAL.matcher(id).matches();
    }

    /** The neutral form of one id (without angle brackets); an id already neutral is returned as is. */
    static String neutral(String id) {
        if (isNeutral(id)) {
            return id;
        }
        byte[] digest = sha256(id.getBytes(StandardCharsets.ISO_8859_1));
        return base32(digest) + "@" + NEUTRAL_DOMAIN;
    }

    /**
     * The ids of an unfolded field value: the text between each {@code <} and the next {@code >},
     * outside comments and quoted strings (obsolete {@code In-Reply-To} syntax allows phrases).
     * Values are octets as ISO-8859-1 characters, so the hash sees the original octets.
     */
    static List<String> ids(String value) {
        List<String> ids = new ArrayList<>();
        int i = 0;
        while (i < value.length()) {
            char c = value.charAt(i);
            if (c == '(') {
                i = skipComment(value, i);
            } else if (c == '"') {
                i = skipQuoted(value, i);
            } else if (c == '<') {
                int close = value.indexOf('>', i + 1);
                int reopen = value.indexOf('<', i + 1);
                if (close < 0) {
                    break;
                }
                if ((reopen < 0 || close < reopen) && close > i + 1) {
                    ids.add(value.substring(i + 1, close));
                    i = close + 1;
                } else {
                    i = reopen < 0 || close < reopen ? close + 1 : reopen;
                }
            } else {
                i++;
            }
        }
        return ids;
    }

    /** Keeps the first id and the most recent ones, up to {@link MailLimits#MAX_REFERENCES}. */
    private static List<String> trimmed(List<String> ids) {
        if (ids.size() <= MailLimits.MAX_REFERENCES) {
            return ids;
        }
        List<String> kept = new ArrayList<>(MailLimits.MAX_REFERENCES);
        kept.add(ids.get(0));
        kept.addAll(ids.subList(ids.size() - (MailLimits.MAX_REFERENCES - 1), ids.size()));
        return kept;
    }

    /** Index after the comment opening at {@code open}; comments nest and know quoted-pairs (RFC 5322 §3.2.2). */
    private static int skipComment(String value, int open) {
        int depth = 0;
        for (int i = open; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return i + 1;
            }
        }
        return value.length();
    }

    private static int skipQuoted(String value, int open) {
        for (int i = open + 1; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                return i + 1;
            }
        }
        return value.length();
    }

    private static String canonicalName(HeaderSection.Field field) {
        if (field.is("Message-ID")) {
            return "Message-ID";
        }
        return field.is("In-Reply-To") ? "In-Reply-To" : "References";
    }

    /** RFC 4648 base32, lowercase, the first {@link #HASH_CHARS} characters only (5 bits each). */
    private static String base32(byte[] bytes) {
        StringBuilder out = new StringBuilder(HASH_CHARS);
        for (int bit = 0; out.length() < HASH_CHARS; bit += 5) {
            int index = bit / 8;
            int pair = ((bytes[index] & 0xff) << 8) | (bytes[index + 1] & 0xff);
            out.append(BASE32[(pair >>> (11 - bit % 8)) & 0x1f]);
        }
        return out.toString();
    }

    private static byte[] sha256(byte[] input) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("SHA-256 is always available", e);
        }
    }
}
