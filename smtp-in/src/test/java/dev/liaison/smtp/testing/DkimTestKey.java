package dev.liaison.smtp.testing;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import org.apache.james.jdkim.DKIMSigner;

/**
 * An RSA key for signing test messages with DKIM (RFC 6376) using jDKIM's signer, made once per
 * test JVM; its public half is published in the test DNS by {@link #record()}.
 */
public final class DkimTestKey {

    private static DkimTestKey instance;

    private final KeyPair keys;

    private DkimTestKey(KeyPair keys) {
        this.keys = keys;
    }

    public static synchronized DkimTestKey get() {
        if (instance == null) {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                instance = new DkimTestKey(generator.generateKeyPair());
            } catch (Exception e) {
                throw new IllegalStateException("cannot make the DKIM test key", e);
            }
        }
        return instance;
    }

    /** The key record to publish at {@code <selector>._domainkey.<domain>} (RFC 6376 §3.6.1). */
    public String record() {
        return "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(keys.getPublic().getEncoded());
    }

    /**
     * {@code message} (CRLF line endings) with a {@code DKIM-Signature:} field for {@code domain}
     * and {@code selector} prepended, relaxed/relaxed, signing From, To, Subject and Date.
     */
    public String sign(String message, String domain, String selector) {
        String template = "v=1; a=rsa-sha256; c=relaxed/relaxed; d=" + domain + "; s=" + selector
                + "; h=from:to:subject:date; bh=; b=;";
        try {
            String field = new DKIMSigner(template, keys.getPrivate())
                    .sign(new ByteArrayInputStream(message.getBytes(StandardCharsets.ISO_8859_1)));
            return field + "\r\n" + message;
        } catch (Exception e) {
            throw new IllegalStateException("cannot DKIM-sign the test message", e);
        }
    }
}
