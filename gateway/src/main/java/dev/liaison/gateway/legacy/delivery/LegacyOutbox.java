package dev.liaison.gateway.legacy.delivery;

import dev.liaison.gateway.transport.EnvelopeBytes;
import dev.liaison.gateway.transport.EnvelopeId;
import dev.liaison.gateway.transport.send.OutboundEnvelope;
import dev.liaison.gateway.transport.send.OutboundQueue;
import dev.liaison.gateway.transport.send.OutboundStatus;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Base64;
import java.util.Optional;

/**
 * Where the submission path puts a message for a plain-email recipient. {@link #enqueue} works in
 * the caller's transaction and never commits: the message is queued if and only if the caller
 * commits, so the submission answers {@code 250} only once the message is durable. The message is
 * converted to 7-bit ({@link SevenBitBody}) and signed here, once; the delivery worker
 * ({@link LegacyDelivery#start()}) sends exactly those octets over SMTP, however often it has to try.
 *
 * <p>Thread-safe; one instance serves every submission.
 */
public final class LegacyOutbox {

    /** The reason a plain address is refused while legacy email is off (suggested reply: {@code 550 5.7.1}). */
    public static final String NOT_CONFIGURED = "legacy email is not configured on this gateway";

    private final boolean enabled;
    private final String domain;
    private final OutboundQueue queue;
    private final OutboundMailStore mails;
    private final DkimSigner signer;

    LegacyOutbox(boolean enabled, String domain, OutboundQueue queue, OutboundMailStore mails, DkimSigner signer) {
        this.enabled = enabled;
        this.domain = domain;
        this.queue = queue;
        this.mails = mails;
        this.signer = signer;
    }

    /**
     * Whether this gateway sends plain email at all (a smarthost is set, or {@code
     * legacy.direct-mx=true}). When false, refuse plain recipients at RCPT with {@code 550 5.7.1}
     * and {@link #NOT_CONFIGURED}.
     */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * Converts {@code message}'s 8-bit body parts to quoted-printable or base64, signs it with the
     * gateway's DKIM key and queues it, in the caller's transaction.
     * Mail to this gateway's own domain is queued also while plain email is off: it never leaves
     * (the gateway's MX intake takes it, {@link LegacyDelivery#start(dev.liaison.smtp.inbound.InboundRecipientPolicy,
     * dev.liaison.smtp.inbound.InboundHandler)}).
     *
     * @return false if a message with this delivery id was queued before (a retried submission):
     *         nothing changed
     * @throws LegacyEmailDisabledException legacy email is off and the recipient is on another domain ({@code 550 5.7.1})
     * @throws OversizedMessageException    over {@link Limits#MAX_MESSAGE_BYTES}, also once encoded ({@code 552 5.3.4})
     * @throws MalformedMessageException    not a message that can be signed and sent ({@code 554 5.6.0})
     * @throws SQLException                 the database failed; roll back, the client retries ({@code 451})
     */
    public boolean enqueue(Connection c, LegacyMessage message) throws LegacyDeliveryException, SQLException {
        if (!enabled && !LocalRoute.local(domain, message.mail().recipient())) {
            throw new LegacyEmailDisabledException();
        }
        byte[] content = message.sharedContent();
        if (content.length > Limits.MAX_MESSAGE_BYTES) {
            throw new OversizedMessageException(content.length);
        }
        // RFC 6376 §5.3: a signer converts to 7-bit first; a server without 8BITMIME must get no
        // 8-bit body (RFC 6152 §3), and converting later would break the signature
        byte[] sevenBit = SevenBitBody.of(withoutBcc(content));
        if (sevenBit.length > Limits.MAX_MESSAGE_BYTES) {
            throw new OversizedMessageException(content.length, sevenBit.length);
        }
        byte[] signed = signer.sign(sevenBit);
        URI destination = URI.create("smtp://" + message.mail().recipient().domain());
        if (!queue.enqueue(c, new OutboundEnvelope(message.deliveryId(), destination, EnvelopeBytes.adopt(signed)))) {
            return false;
        }
        mails.record(c, message.deliveryId(), message.mail());
        return true;
    }

    /** Where the message with this delivery id stands, if it was ever queued. */
    public Optional<OutboundStatus> status(Connection c, EnvelopeId deliveryId) throws SQLException {
        return queue.status(c, deliveryId);
    }

    /**
     * A delivery id derived from what identifies one submission to one recipient (e.g. the
     * user's login, the submission key, which names the message, and the recipient): the same parts
     * always give the same id, so a client's retry of the same message is recognised.
     */
    public static EnvelopeId deliveryId(String... parts) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update("liaison legacy delivery v1".getBytes(StandardCharsets.US_ASCII));
            for (String part : parts) {
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                sha256.update(java.nio.ByteBuffer.allocate(4).putInt(bytes.length).array()); // unambiguous joins
                sha256.update(bytes);
            }
            return new EnvelopeId(Base64.getUrlEncoder().withoutPadding().encodeToString(sha256.digest()));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("SHA-256 is always available", e);
        }
    }

    /** RFC 5322 §3.6.3: Bcc names hidden recipients; it must not travel to the others. */
    static byte[] withoutBcc(byte[] message) throws MalformedMessageException {
        HeaderFields fields = HeaderFields.parse(message);
        if (!fields.has("bcc")) {
            return message;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length);
        for (HeaderFields.Field field : fields.fields()) {
            if (!field.name().equals("bcc")) {
                out.write(message, field.start(), field.end() - field.start());
            }
        }
        int rest = fields.fields().isEmpty() ? 0 : fields.fields().get(fields.fields().size() - 1).end();
        out.write(message, rest, message.length - rest);
        return out.toByteArray();
    }
}
