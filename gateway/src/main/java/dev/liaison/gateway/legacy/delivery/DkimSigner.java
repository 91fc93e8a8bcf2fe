package dev.liaison.gateway.legacy.delivery;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Signs outgoing plain email with the gateway's key (RFC 6376): {@code rsa-sha256},
 * relaxed/relaxed canonicalization, {@code d=} the gateway's domain. It signs every instance of
 * the fields a reader relies on (From, To, Subject, Date, Message-ID, the MIME fields, the
 * Communicator invitation…) and names {@code from} once more than it occurs, so that nobody on the
 * way can add a second From field without breaking the signature (RFC 6376 §8.15).
 *
 * <p>Why not Apache jDKIM's signer: it hashes header text as {@code String.getBytes()}, in the
 * platform's default charset, so with a US-ASCII default (Java 17 under a POSIX locale) a header
 * with raw UTF-8 (RFC 6532) is signed as '?' octets that are never sent (tried: jDKIM 0.5's
 * verifier then fails on our correct signature, dkimpy passes it).
 * This signer canonicalizes octets ({@link RelaxedCanonicalizer}); the tests verify its signatures
 * with jDKIM's verifier and with dkimpy.
 */
public final class DkimSigner {

    /** Signed when present, in this order; repeated fields are signed bottom-up (§5.4.2). */
    static final List<String> SIGNED_FIELDS = List.of("from", "sender", "reply-to", "to", "cc", "subject", "date",
            "message-id", "in-reply-to", "references", "mime-version", "content-type", "content-transfer-encoding",
            "content-disposition", "content-language", "communicator-invite", "autocrypt", "list-unsubscribe");
    private static final int FOLD_WIDTH = 72;

    private final String domain;
    private final DkimKey key;
    private final Clock clock;

    public DkimSigner(String domain, DkimKey key, Clock clock) {
        this.domain = domain;
        this.key = key;
        this.clock = clock;
    }

    /** {@code message} with a {@code DKIM-Signature} field put in front of its header section. */
    public byte[] sign(byte[] message) throws MalformedMessageException {
        HeaderFields fields = HeaderFields.parse(message);
        if (!fields.has("from")) {
            throw new MalformedMessageException("the message has no From field (RFC 5322 section 3.6 requires one,"
                    + " and DKIM signs it)");
        }
        List<HeaderFields.Field> signed = new ArrayList<>();
        List<String> names = new ArrayList<>();
        choose(fields, signed, names);
        names.add("from"); // over-signing: a From field added later breaks the signature
        names.add("communicator-invite"); // so does an invitation added later (or to mail that had none)
        String head = "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=" + domain + "; s=" + key.selector()
                + ";\r\n\tt=" + clock.instant().getEpochSecond() + "; h=" + String.join(":", names)
                + ";\r\n\tbh=" + bodyHash(message, fields.bodyStart()) + ";\r\n\tb=";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream input = new ByteArrayOutputStream(1024);
        for (HeaderFields.Field field : signed) {
            RelaxedCanonicalizer.header(message, field.start(), field.end(), true, input);
        }
        RelaxedCanonicalizer.header(headBytes, 0, headBytes.length, false, input); // §3.7: with b= empty, no CRLF
        String signature = fold(Base64.getEncoder().encodeToString(rsaSha256(input.toByteArray())));
        byte[] field = (head + signature + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[field.length + message.length];
        System.arraycopy(field, 0, out, 0, field.length);
        System.arraycopy(message, 0, out, field.length, message.length);
        return out;
    }

    private static void choose(HeaderFields fields, List<HeaderFields.Field> signed, List<String> names) {
        for (String name : SIGNED_FIELDS) {
            List<HeaderFields.Field> instances = fields.fields().stream().filter(f -> f.name().equals(name)).toList();
            for (int i = instances.size() - 1; i >= 0; i--) {
                signed.add(instances.get(i));
                names.add(name);
            }
        }
    }

    private static String bodyHash(byte[] message, int bodyStart) throws MalformedMessageException {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            RelaxedCanonicalizer.body(message, bodyStart, sha256);
            return Base64.getEncoder().encodeToString(sha256.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError("SHA-256 is always available", e);
        }
    }

    private byte[] rsaSha256(byte[] input) {
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(key.privateKey());
            rsa.update(input);
            return rsa.sign();
        } catch (GeneralSecurityException e) {
            throw new AssertionError("SHA256withRSA with an RSA key is always available", e);
        }
    }

    /** Folds the signature into lines (FWS inside {@code b=} is ignored by verifiers, §3.5). */
    private static String fold(String base64) {
        StringBuilder folded = new StringBuilder(base64.length() + base64.length() / FOLD_WIDTH * 3);
        for (int i = 0; i < base64.length(); i += FOLD_WIDTH) {
            if (i > 0) {
                folded.append("\r\n\t");
            }
            folded.append(base64, i, Math.min(base64.length(), i + FOLD_WIDTH));
        }
        return folded.toString();
    }
}
