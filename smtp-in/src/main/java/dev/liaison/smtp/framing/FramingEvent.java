package dev.liaison.smtp.framing;

/**
 * What {@link StrictLineDecoder} passes up besides complete lines. Lines travel as {@code ByteBuf}s
 * (James's line handlers expect that); the irregular outcomes travel as these values so the
 * reply to them is written in order with the replies to the lines before.
 */
public sealed interface FramingEvent {

    /** A line longer than the limit was read and discarded up to and including its CRLF. */
    record OverlongLine(int limit) implements FramingEvent {
    }

    /**
     * Octets of a message line longer than the framer's limit, passed on as they arrive (only where
     * long message lines are taken: the inbound MX). The first part starts the line; the line's
     * last part ends with its CRLF, and no ordinary line comes between. Nothing is split: the
     * parts together are the line as sent.
     */
    record LinePart(byte[] octets) implements FramingEvent {
    }

    /**
     * The byte stream cannot be framed safely; everything after this point is discarded and the
     * connection must be closed. {@code description} is safe to put in a reply.
     */
    record Violation(Kind kind, String description) implements FramingEvent {
    }

    /** The ways a client can break RFC 5321's CRLF framing. */
    enum Kind {
        /** LF not preceded by CR (RFC 5321 §2.3.8); the core of the 2023 SMTP smuggling attacks. */
        BARE_LF,
        /** CR not followed by LF (RFC 5321 §2.3.8). */
        BARE_CR,
        /** Plaintext that was sent after STARTTLS but before the TLS handshake (RFC 3207 §4.2;
         *  CVE-2011-0411 class command injection). */
        PLAINTEXT_AFTER_STARTTLS
    }
}
