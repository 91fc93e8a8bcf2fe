package dev.liaison.gateway.primitive;

import dev.liaison.gateway.wire.Bytes;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Stream;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * X25519 through BouncyCastle's low-level implementation: about twice as fast as the JDK 17
 * provider on this machine type, and free of JCA key-object overhead on the per-message path.
 */
public final class Agreement {
    private Agreement() {
    }

    public static AgreementKeyPair generate(Entropy entropy) {
        byte[] privateKey = entropy.bytes(X25519.SCALAR_SIZE);
        byte[] publicKey = new byte[X25519.POINT_SIZE];
        X25519.generatePublicKey(privateKey, 0, publicKey, 0);
        return new AgreementKeyPair(Bytes.of(privateKey), Bytes.of(publicKey));
    }

    /**
     * The shared secret, or empty when the peer's key is a low-order point (the result would be
     * all zeros, RFC 7748 section 6.1), which is how a hostile peer would force a known secret.
     */
    public static Optional<byte[]> agree(Bytes privateKey, Bytes peerPublicKey) {
        byte[] secret = new byte[X25519.POINT_SIZE];
        boolean contributory = X25519.calculateAgreement(
                privateKey.toByteArray(), 0, peerPublicKey.toByteArray(), 0, secret, 0);
        return contributory ? Optional.of(secret) : Optional.empty();
    }

    /**
     * The u-coordinates of every point whose order divides 8 on Curve25519 or 4 on its twist, as
     * X25519 reads them (bit 255 ignored): 0, 1, p − 1, the two of order 8, and the non-canonical
     * p and p + 1. Any clamped scalar (a multiple of 8) takes exactly these to all zeros; no other
     * 255-bit value is such a point (RFC 7748 §6.1; Bernstein's list for curve25519).
     */
    private static final byte[][] LOW_ORDER = lowOrderPoints();

    /**
     * Whether a peer's public key is a low-order point, with which no agreement is contributory:
     * checked where a peer hands us a key we will later encrypt to, so the failure is a malformed
     * input there rather than an unchecked exception deep inside HPKE. A comparison with the
     * seven such values, not a scalar multiplication: routes are decoded (and so checked) every
     * time a relationship's state is loaded, twice per message, where a probe agreement took
     * 6–8 % of each gateway's Java CPU in the relay benchmark.
     */
    public static boolean isLowOrder(Bytes publicKey) {
        if (publicKey.length() != X25519.POINT_SIZE) {
            return true; // not a point at all: refused like one
        }
        byte[] u = publicKey.toByteArray();
        u[X25519.POINT_SIZE - 1] &= 0x7f;
        for (byte[] lowOrder : LOW_ORDER) {
            if (Arrays.equals(u, lowOrder)) {
                return true;
            }
        }
        return false;
    }

    private static byte[][] lowOrderPoints() {
        BigInteger p = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
        return Stream.of(BigInteger.ZERO, BigInteger.ONE, p.subtract(BigInteger.ONE), p, p.add(BigInteger.ONE),
                        new BigInteger("325606250916557431795983626356110631294008115727848805560023387167927233504"),
                        new BigInteger("39382357235489614581723060781553021112529911719440698176882885853963445705823"))
                .map(Agreement::littleEndian)
                .toArray(byte[][]::new);
    }

    private static byte[] littleEndian(BigInteger value) {
        byte[] bigEndian = value.toByteArray();
        byte[] u = new byte[X25519.POINT_SIZE];
        for (int i = 0; i < u.length && i < bigEndian.length; i++) {
            u[i] = bigEndian[bigEndian.length - 1 - i];
        }
        return u;
    }
}
