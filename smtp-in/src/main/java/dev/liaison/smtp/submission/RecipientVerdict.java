package dev.liaison.smtp.submission;

/** The {@link RecipientPolicy}'s answer for one RCPT; each maps to exactly one reply. */
public enum RecipientVerdict {
    /** An active alias of this user: {@code 250 2.1.5}. */
    ACCEPT,
    /**
     * No such address on this gateway, or someone else's private or relationship alias (as the MX
     * answers for both, so a user learns nothing of whose an address is): {@code 550 5.1.1}.
     */
    UNKNOWN,
    /** The user's own alias that takes no mail now (disabled, its relationship blocked): {@code 550 5.7.1}. */
    REFUSED,
    /**
     * The user's own alias of a relationship with a Communicator peer that has ended (either side
     * ended it): {@code 550 5.7.1}, saying so and that a new invitation starts a new one. Only the
     * alias's owner is told; anyone else gets {@link #UNKNOWN}, which says nothing of someone else's
     * relationship.
     */
    RELATIONSHIP_ENDED,
    /**
     * As {@link #RELATIONSHIP_ENDED}, for a correspondent on plain email (also one whose conversation
     * had been upgraded): writing to their plain address again starts a new relationship, so the
     * refusal says that.
     */
    CORRESPONDENCE_ENDED,
    /**
     * Another user's published address on this gateway that its administrator disabled: {@code 550
     * 5.2.1}, as the MX answers mail from the Internet to it (the address was given to the public).
     */
    DISABLED,
    /** A plain-email address on another domain while this gateway sends no plain email: {@code 550 5.7.1}. */
    NO_LEGACY_EMAIL,
    /**
     * The gateway's own sender of notices ({@code MAILER-DAEMON@<domain>}), which takes no mail, as a
     * user's reply to a notice finds: {@code 550 5.7.1}, saying so.
     */
    NOTICES_ONLY,
    /**
     * The authenticated user may no longer send at all: disabled or removed since AUTH, on a
     * connection kept open. {@code 550 5.7.1} with {@link #SENDER_INACTIVE_TEXT}, before the client
     * uploads a body that would be refused after DATA with the same words.
     */
    SENDER_INACTIVE,
    /** The declared message size is more than this recipient can take: {@code 552 5.3.4} (RFC 1870). */
    TOO_LARGE,
    /** The answer is not known right now: {@code 451 4.3.0}, the client retries. */
    TEMPORARY_FAILURE;

    /**
     * What a user disabled or removed since AUTH is told, at RCPT ({@link #SENDER_INACTIVE}) and by a
     * handler that finds the same when it commits (the user disabled between RCPT and the final dot).
     */
    public static final String SENDER_INACTIVE_TEXT =
            "Your account is disabled or gone; nothing was sent. Ask your administrator";
}
