package dev.liaison.smtp.submission;

import dev.liaison.smtp.address.EmailAddress;
import dev.liaison.smtp.address.InternationalAddress;
import java.util.Optional;

/**
 * The envelope sender of MAIL FROM: a mailbox, the null reverse-path {@code <>} (RFC 5321 §4.5.5),
 * or, at the inbound MX only, a mailbox with a UTF-8 local part given with {@code SMTPUTF8} (RFC 6531).
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

    /**
     * {@code MAIL FROM:<mailbox> SMTPUTF8} with non-ASCII text in the local part. Not a
     * {@link #mailbox()}: nothing of this gateway can write back to it (plain email leaves without
     * SMTPUTF8), but it is a sender, not the null path of a report.
     */
    record International(InternationalAddress address) implements ReversePath {
        public International {
            java.util.Objects.requireNonNull(address, "address");
        }

        @Override
        public String toString() {
            return "<" + address + ">";
        }
    }

    ReversePath NULL = new Null();

    /** The sender as an ASCII mailbox; empty for {@code <>} and for an {@link International} one. */
    default Optional<EmailAddress> mailbox() {
        return this instanceof Mailbox m ? Optional.of(m.address()) : Optional.empty();
    }

    /** The sender's address as text ({@code local@domain}); empty only for {@code <>}. */
    default Optional<String> addressText() {
        return this instanceof Mailbox m ? Optional.of(m.address().toString())
                : this instanceof International i ? Optional.of(i.address().toString()) : Optional.empty();
    }
}
