package dev.liaison.mapping.alias;

import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.Locale;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * Readable, unguessable alias local parts: a short prefix from a name, a dot, and 50 random bits
 * in lower-case base32 ({@code blair.k7q2xmfd3a}). 50 bits make guessing an alias hopeless at
 * any rate an SMTP server allows, while staying short enough to read aloud.
 */
public final class LocalPartGenerator {

    /**
     * The prefix of every outward alias (the address a user writes to one plain-email
     * correspondent from): the same for all users, so the address tells a correspondent nothing of
     * whose it is, and two correspondents comparing theirs find nothing in common but the domain.
     */
    public static final String NEUTRAL_PREFIX = "mail";
    static final int RANDOM_CHARS = 10; // 10 x 5 bits = 50 bits
    static final int MAX_PREFIX = 16;
    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final Pattern PREFIX = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0," + (MAX_PREFIX - 2) + "}[a-z0-9])?");

    private final RandomGenerator random;

    public LocalPartGenerator() {
        this(new SecureRandom());
    }

    public LocalPartGenerator(RandomGenerator random) {
        this.random = random;
    }

    /** A prefix given by an admin, checked as is: {@link InvalidAliasException} if unusable. */
    public static String checkedPrefix(String prefix) {
        if (prefix == null || !PREFIX.matcher(prefix).matches()) {
            throw new InvalidAliasException("invalid prefix '" + prefix + "': use 1 to " + MAX_PREFIX
                    + " lower-case letters, digits or '-', starting and ending with a letter or digit");
        }
        return prefix;
    }

    /** A prefix derived from a free-form name: accents dropped, other characters removed. */
    public static String prefixFrom(String name) {
        String ascii = Normalizer.normalize(name == null ? "" : name, Normalizer.Form.NFKD)
                .replaceAll("\\p{M}", "")
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9]", "");
        ascii = ascii.length() > MAX_PREFIX ? ascii.substring(0, MAX_PREFIX) : ascii;
        return ascii.isEmpty() ? "alias" : ascii;
    }

    /** {@code prefix.xxxxxxxxxx} for an already checked prefix. */
    public String generate(String prefix) {
        StringBuilder sb = new StringBuilder(prefix.length() + 1 + RANDOM_CHARS).append(prefix).append('.');
        for (int i = 0; i < RANDOM_CHARS; i++) {
            sb.append(BASE32[random.nextInt(BASE32.length)]);
        }
        return sb.toString();
    }
}
