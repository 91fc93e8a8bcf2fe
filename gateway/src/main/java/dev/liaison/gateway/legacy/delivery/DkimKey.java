package dev.liaison.gateway.legacy.delivery;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Objects;

/**
 * The gateway's DKIM signing key for one selector: RSA ({@value Limits#DKIM_KEY_BITS} bits,
 * RFC 8301) from the JDK provider. {@link #toString()} never shows the private key.
 */
public final class DkimKey {

    private final String selector;
    private final PrivateKey privateKey;
    private final RSAPublicKey publicKey;

    private DkimKey(String selector, PrivateKey privateKey, RSAPublicKey publicKey) {
        this.selector = Objects.requireNonNull(selector, "selector");
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    /** A fresh key pair for {@code selector}. */
    static DkimKey generate(String selector) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(Limits.DKIM_KEY_BITS);
            KeyPair pair = generator.generateKeyPair();
            return new DkimKey(selector, pair.getPrivate(), (RSAPublicKey) pair.getPublic());
        } catch (GeneralSecurityException e) {
            throw new AssertionError("RSA key generation is always available", e);
        }
    }

    /** The key stored as PKCS#8 (private) and X.509 SubjectPublicKeyInfo (public) DER. */
    static DkimKey decode(String selector, byte[] pkcs8, byte[] subjectPublicKeyInfo) throws GeneralSecurityException {
        KeyFactory rsa = KeyFactory.getInstance("RSA");
        return new DkimKey(selector, rsa.generatePrivate(new PKCS8EncodedKeySpec(pkcs8)),
                (RSAPublicKey) rsa.generatePublic(new X509EncodedKeySpec(subjectPublicKeyInfo)));
    }

    public String selector() {
        return selector;
    }

    public RSAPublicKey publicKey() {
        return publicKey;
    }

    PrivateKey privateKey() {
        return privateKey;
    }

    byte[] encodedPrivateKey() {
        return privateKey.getEncoded();
    }

    /** The name the key's record is published under (RFC 6376 §3.6.2.1): {@code selector._domainkey.domain}. */
    public String recordName(String domain) {
        return selector + "._domainkey." + domain;
    }

    /** The TXT record's text (RFC 6376 §3.6.1): {@code v=DKIM1; k=rsa; p=<base64 SubjectPublicKeyInfo>}. */
    public String record() {
        return "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(publicKey.getEncoded());
    }

    @Override
    public String toString() {
        return "DkimKey[selector " + selector + ", RSA-" + publicKey.getModulus().bitLength() + "]";
    }
}
