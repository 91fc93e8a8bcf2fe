package dev.liaison.gateway.wire;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An immutable byte string for use inside records: records compare arrays by identity and would
 * print them, so every key, nonce and ciphertext held by a protocol value is wrapped here.
 * {@link #toString()} deliberately prints only the length, never the content, so a record holding
 * a secret can be logged without leaking it.
 */
public final class Bytes {
    private static final Bytes EMPTY = new Bytes(new byte[0]);
    private final byte[] value;

    private Bytes(byte[] value) {
        this.value = value;
    }

    /** Copies {@code value}, so later changes to the array do not reach this value. */
    public static Bytes of(byte[] value) {
        return value.length == 0 ? EMPTY : new Bytes(value.clone());
    }

    /**
     * Takes ownership of {@code value} without copying, for arrays the caller has just made and
     * never touches again (a decrypted body, a sealed message): on the per-message path each copy
     * of a 10 KB body costs about as much as encrypting it.
     */
    public static Bytes adopt(byte[] value) {
        return value.length == 0 ? EMPTY : new Bytes(value);
    }

    /** Copies {@code length} bytes of {@code value} starting at {@code offset}. */
    public static Bytes of(byte[] value, int offset, int length) {
        return new Bytes(Arrays.copyOfRange(value, offset, offset + length));
    }

    public static Bytes empty() {
        return EMPTY;
    }

    /** Parses lower- or upper-case hex; for test vectors and configuration. */
    public static Bytes fromHex(String hex) {
        return new Bytes(HexFormat.of().parseHex(hex));
    }

    public int length() {
        return value.length;
    }

    public boolean isEmpty() {
        return value.length == 0;
    }

    /** A fresh copy of the content. */
    public byte[] toByteArray() {
        return value.clone();
    }

    /** Writes the content into {@code target} at {@code offset} without an intermediate copy. */
    public void copyTo(byte[] target, int offset) {
        System.arraycopy(value, 0, target, offset, value.length);
    }

    /** Lower-case hex of the content; callers must not use this on secrets outside tests. */
    public String hex() {
        return HexFormat.of().formatHex(value);
    }

    /** Compares in constant time, so equality checks on tags or keys do not leak a prefix. */
    @Override
    public boolean equals(Object other) {
        return other instanceof Bytes that && MessageDigest.isEqual(value, that.value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "Bytes[" + value.length + "]";
    }
}
