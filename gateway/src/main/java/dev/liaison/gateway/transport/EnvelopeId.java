package dev.liaison.gateway.transport;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * The idempotency key of one envelope: chosen once by the sender when it enqueues, carried
 * unchanged by every resend in the {@code Envelope-Id} header, and unique in both the outbound
 * queue and the receiver's inbound store, so a resend is a no-op.
 *
 * <p>Generated ids are 128 random bits in unpadded base64url (22 characters): they say nothing
 * about sender, recipient or time. Any id of {@value #MIN_LENGTH} to {@value Limits#MAX_ENVELOPE_ID_LENGTH}
 * base64url characters is accepted from peers, so a second implementation may choose its own.
 */
public record EnvelopeId(String value) {

    static final int MIN_LENGTH = 16;
    private static final Pattern FORMAT = Pattern.compile(
            "[A-Za-z0-9_-]{" + MIN_LENGTH + "," + Limits.MAX_ENVELOPE_ID_LENGTH + "}");
    private static final SecureRandom RANDOM = new SecureRandom();

    public EnvelopeId {
        if (value == null || !FORMAT.matcher(value).matches()) {
            throw new IllegalArgumentException("envelope id '" + abbreviated(value) + "' is not "
                    + MIN_LENGTH + ".." + Limits.MAX_ENVELOPE_ID_LENGTH + " base64url characters");
        }
    }

    /** A fresh random id for a new envelope. */
    public static EnvelopeId random() {
        byte[] bits = new byte[16];
        RANDOM.nextBytes(bits);
        return new EnvelopeId(Base64.getUrlEncoder().withoutPadding().encodeToString(bits));
    }

    private static String abbreviated(String value) {
        if (value == null) {
            return "<absent>";
        }
        return value.length() <= Limits.MAX_ENVELOPE_ID_LENGTH ? value
                : value.substring(0, Limits.MAX_ENVELOPE_ID_LENGTH) + "…(" + value.length() + " chars)";
    }

    @Override
    public String toString() {
        return value;
    }
}
