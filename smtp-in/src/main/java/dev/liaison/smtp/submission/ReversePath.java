package dev.liaison.smtp.submission;

import dev.liaison.smtp.address.EmailAddress;
import java.util.Optional;

/**
 * The envelope sender of MAIL FROM: a mailbox, or the null reverse-path {@code <>} (RFC 5321 §4.5.5).
 * Kept as a type so that absence is explicit (STYLE §5).
 */
public sealed interface ReversePath {
    /** {@code MAIL FROM:<>}. */
    record Null() implements ReversePath {
        @Override
        public String toString() {
            return "<>";
        }
    }

    /** {@code MAIL FROM:<mailbox>}. */
    record Mailbox(EmailAddress address) implements ReversePath {
        public Mailbox {
            java.util.Objects.requireNonNull(address, "address");
        }

        @Override
        public String toString() {
            return "<" + address + ">";
        }
    }

    ReversePath NULL = new Null();

    default Optional<EmailAddress> mailbox() {
        return this instanceof Mailbox m ? Optional.of(m.address()) : Optional.empty();
    }
}
