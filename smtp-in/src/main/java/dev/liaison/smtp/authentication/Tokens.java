package dev.liaison.smtp.authentication;

/**
 * Reduces values taken from a message (a signature's {@code d=}, {@code s=}, {@code b=}) to the
 * characters they may legitimately have, so nothing a sender wrote can break the
 * {@code Authentication-Results:} field they end up in.
 */
final class Tokens {

    private static final int MAX_DOMAIN = 255;

    private Tokens() {
    }

    /** Letters, digits, {@code .}, {@code -}, {@code _}; at most 255 characters. */
    static String domain(String text) {
        StringBuilder clean = new StringBuilder();
        for (int i = 0; i < text.length() && clean.length() < MAX_DOMAIN; i++) {
            char c = text.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_') {
                clean.append(c);
            }
        }
        return clean.toString();
    }

    /** The first {@code length} base64 characters, folding white space skipped. */
    static String base64Prefix(String text, int length) {
        StringBuilder clean = new StringBuilder(length);
        for (int i = 0; i < text.length() && clean.length() < length; i++) {
            char c = text.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '/') {
                clean.append(c);
            }
        }
        return clean.toString();
    }
}
