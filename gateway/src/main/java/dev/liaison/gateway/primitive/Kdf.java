package dev.liaison.gateway.primitive;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/** HKDF-SHA256 (RFC 5869) and HMAC-SHA256 (RFC 2104), both from BouncyCastle. */
public final class Kdf {
    public static final int HASH_LENGTH = 32;

    private Kdf() {
    }

    /** HKDF extract-then-expand; an empty salt means RFC 5869's 32 zero bytes. */
    public static byte[] hkdf(byte[] salt, byte[] inputKeyMaterial, byte[] info, int length) {
        HKDFBytesGenerator generator = new HKDFBytesGenerator(new SHA256Digest());
        generator.init(new HKDFParameters(inputKeyMaterial, salt, info));
        byte[] output = new byte[length];
        generator.generateBytes(output, 0, length);
        return output;
    }

    public static byte[] hmac(byte[] key, byte[] message) {
        HMac mac = new HMac(new SHA256Digest());
        mac.init(new KeyParameter(key));
        mac.update(message, 0, message.length);
        byte[] output = new byte[HASH_LENGTH];
        mac.doFinal(output, 0);
        return output;
    }

    public static byte[] sha256(byte[]... parts) {
        SHA256Digest digest = new SHA256Digest();
        for (byte[] part : parts) {
            digest.update(part, 0, part.length);
        }
        byte[] output = new byte[HASH_LENGTH];
        digest.doFinal(output, 0);
        return output;
    }
}
