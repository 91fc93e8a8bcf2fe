package dev.liaison.imap.delivery;

import java.util.Optional;

/**
 * Copies the gateway files on a user's behalf that the user's mail client also stores. A client
 * that sends a message over SMTP then APPENDs its own copy to the Sent folder, as Thunderbird,
 * Apple Mail, Outlook and mutt do by default; the gateway has already filed one there when it took
 * the message. The store asks this, for an APPEND into a watched folder, under which delivery id
 * its own copy would have been filed; if that copy is still in the folder (not marked deleted) and
 * has the appended message's body, the APPEND answers with it (APPENDUID names it) and stores
 * nothing. Called off the event loop, once per APPEND into a watched folder; must not do I/O.
 */
public interface FiledCopies {

    /** Recognises nothing: every APPEND is stored. */
    FiledCopies NONE = new FiledCopies() {
        @Override
        public boolean watches(String folder) {
            return false;
        }

        @Override
        public Optional<String> deliveryId(String owner, byte[] headerSection) {
            return Optional.empty();
        }
    };

    /** Whether APPENDs into {@code folder} may duplicate a filed copy; when not, the store does no extra work. */
    boolean watches(String folder);

    /**
     * The {@link Delivery#deliveryId()} under which a copy of the message whose header section is
     * {@code headerSection} would have been filed for {@code owner}, or empty when the message is
     * not one the gateway keeps a copy of (or the appended copy holds something its copy does not).
     */
    Optional<String> deliveryId(String owner, byte[] headerSection);

    /**
     * Whether the filed copy, whose header section is {@code filedHeader}, holds what the appended
     * copy's header section ({@code appendedHeader}) says that matters to its owner; their bodies
     * are already known to be the same. When not, the APPEND is stored. Default: it does.
     */
    default boolean covers(byte[] filedHeader, byte[] appendedHeader) {
        return true;
    }
}
