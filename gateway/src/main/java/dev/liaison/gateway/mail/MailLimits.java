package dev.liaison.gateway.mail;

/**
 * Every bound the mail transformations apply, in one place (as libsignal's {@code limits.rs}).
 * A message over a header bound is refused with {@link MalformedMailException} before anything is
 * copied; the bounds on generated text only shorten what we write, they never refuse.
 */
public final class MailLimits {

    /** Largest header section (every field and the empty line after it), in octets. */
    public static final int MAX_HEADER_SECTION_BYTES = 256 * 1024;

    /** Most header fields one message may have. */
    public static final int MAX_HEADER_FIELDS = 1000;

    /** Largest single header field with all its continuation lines, in octets. */
    public static final int MAX_FIELD_BYTES = 64 * 1024;

    /**
     * Most message ids kept in a rewritten {@code References:} field: the first and the most recent
     * ones, as RFC 5322 §3.6.4 suggests for trimming. A neutral id is 45 octets, so without this an
     * id list of short ids could grow a field well past {@link #MAX_FIELD_BYTES}.
     */
    public static final int MAX_REFERENCES = 100;

    /**
     * Most Liaison message ids a report's text is searched for ({@link LegacyIncomingMail#liaisonMessageIds}):
     * the returned header's {@code Message-ID}, {@code In-Reply-To} and {@code References} (at most
     * {@link #MAX_REFERENCES}) and a receipt's {@code Original-Message-ID}, with room to spare.
     */
    public static final int MAX_REPORT_IDS = MAX_REFERENCES + 28;

    /**
     * Most octets of a body searched for the ids of the user's messages
     * ({@link LegacyIncomingMail#liaisonMessageIds}): a bounce's or report's explanation and the
     * returned header that follows it fit many times over; the returned body is not needed.
     */
    public static final int MAX_SCANNED_BODY_BYTES = 64 * 1024;

    /**
     * Longest Message-ID of a correspondent's that is given back in a reply ({@link CorrespondentIds});
     * a longer one stays neutral. RFC 5322 sets no bound; real ids are far shorter. The column's
     * CHECK says the same.
     */
    public static final int MAX_RETURNED_ID_CHARS = 250;

    /**
     * Longest display name written into a {@code From:} field or a notice, in code points; longer
     * names are cut. The protocol already caps a relationship's name at 128 UTF-8 bytes; this keeps
     * any generated field far below RFC 5322's 998-octet line limit whatever the caller passes.
     */
    public static final int MAX_DISPLAY_NAME_CODE_POINTS = 128;

    /** Longest original subject repeated in a delivery failure notice, in code points. */
    public static final int MAX_SUBJECT_CODE_POINTS = 200;

    /** Longest failure reason written into a notice (it ends up on one line of a DSN). */
    public static final int MAX_REASON_CHARS = 500;

    /** Shortest run of base64url characters taken for a bare invitation token. */
    public static final int MIN_TOKEN_CHARS = 64;

    /** Longest invitation token: base64url of the largest invitation (2048 bytes), unpadded. */
    public static final int MAX_TOKEN_CHARS = 2731;

    /** Deepest MIME nesting (multiparts and attached messages) searched for an invitation token. */
    public static final int MAX_MIME_DEPTH = 8;

    /** Most MIME parts searched for an invitation token. */
    public static final int MAX_MIME_PARTS = 100;

    private MailLimits() {
    }
}
