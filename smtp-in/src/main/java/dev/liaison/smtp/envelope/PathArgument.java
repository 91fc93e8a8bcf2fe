package dev.liaison.smtp.envelope;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The argument of MAIL or RCPT split into its path and parameters: {@code FROM:<path> [SP param]*}
 * (RFC 5321 §4.1.1.2, §4.1.1.3). One space after the colon is tolerated because widely used clients
 * send it; everything else is as the RFC writes it. The path's content is not judged here.
 *
 * @param path       the text between the angle brackets, possibly empty
 * @param parameters the {@code keyword[=value]} items after the path
 */
record PathArgument(String path, List<String> parameters) {

    static Optional<PathArgument> parse(String argument, String keyword) {
        if (argument == null) {
            return Optional.empty();
        }
        String prefix = keyword + ":";
        if (argument.length() < prefix.length()
                || !argument.substring(0, prefix.length()).toUpperCase(Locale.ROOT).equals(prefix)) {
            return Optional.empty();
        }
        String rest = argument.substring(prefix.length());
        if (rest.startsWith(" ")) {
            rest = rest.substring(1);
        }
        int close = rest.indexOf('>');
        if (!rest.startsWith("<") || close < 0) {
            return Optional.empty();
        }
        String path = rest.substring(1, close);
        String tail = rest.substring(close + 1);
        if (tail.isEmpty()) {
            return Optional.of(new PathArgument(path, List.of()));
        }
        if (!tail.startsWith(" ") || tail.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(new PathArgument(path, List.of(tail.trim().split(" +"))));
    }
}
