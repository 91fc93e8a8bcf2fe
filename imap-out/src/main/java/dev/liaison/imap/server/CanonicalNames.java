package dev.liaison.imap.server;

import org.apache.james.imap.api.display.ModifiedUtf7;

import java.util.Optional;

/**
 * Whether a folder name a client sends is modified UTF-7 as RFC 3501 §5.1.3 requires it: printable
 * ASCII stands for itself, and a run of other characters is encoded once, in the shortest form.
 * James decoded any base64 run, so {@code CREATE "&AGEAYgBjAGQ-"} made a folder LIST shows as
 * {@code abcd}: two spellings of one name, which a client may list and compare differently.
 * Dovecot refuses such a name ("not valid mUTF-7"). A name is canonical exactly when encoding what
 * it decodes to gives it back.
 */
final class CanonicalNames {

    private CanonicalNames() {
    }

    /**
     * The first name among {@code arguments} (a command's arguments as sent, up to the end of its
     * line) that is not canonical modified UTF-7, with the spelling it should have; empty when all
     * are (or cannot be decoded at all: the parser refuses those). Names sent as literals are not
     * looked at.
     */
    static Optional<String> respelled(String arguments) {
        int i = 0;
        while (i < arguments.length()) {
            char c = arguments.charAt(i);
            if (c == ' ' || c == '(' || c == ')') {
                i++;
            } else if (c == '{') {
                return Optional.empty(); // a literal: its octets are not on this line
            } else {
                int end = c == '"' ? quotedEnd(arguments, i) : atomEnd(arguments, i);
                String token = c == '"' ? unquoted(arguments.substring(i + 1, Math.max(i + 1, end - 1)))
                        : arguments.substring(i, end);
                Optional<String> canonical = canonical(token);
                if (canonical.isPresent()) {
                    return canonical;
                }
                i = end;
            }
        }
        return Optional.empty();
    }

    /** The canonical spelling of {@code name}, if it has a different one. */
    private static Optional<String> canonical(String name) {
        if (name.indexOf('&') < 0) {
            return Optional.empty();
        }
        try {
            String canonical = ModifiedUtf7.encodeModifiedUTF7(ModifiedUtf7.decodeModifiedUTF7(name));
            return canonical.equals(name) ? Optional.empty() : Optional.of(canonical);
        } catch (RuntimeException | Error undecodable) { // James's decoder throws Error; GuardedParsers answers BAD
            return Optional.empty();
        }
    }

    private static int atomEnd(String s, int from) {
        int i = from;
        while (i < s.length() && s.charAt(i) != ' ' && s.charAt(i) != ')') {
            i++;
        }
        return i;
    }

    /** Just past the closing quote of the quoted string at {@code from} (or the end of the line). */
    private static int quotedEnd(String s, int from) {
        int i = from + 1;
        while (i < s.length() && s.charAt(i) != '"') {
            i += s.charAt(i) == '\\' ? 2 : 1;
        }
        return Math.min(s.length(), i + 1);
    }

    private static String unquoted(String quoted) {
        return quoted.replaceAll("\\\\(.)", "$1");
    }
}
