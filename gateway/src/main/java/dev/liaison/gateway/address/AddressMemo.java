package dev.liaison.gateway.address;

import dev.liaison.gateway.wire.Bytes;
import dev.liaison.gateway.wire.WireWriter;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What {@code Resolve} works out the same way for every message of a relationship: the signed
 * address inside each sender-diversified one is that relationship's, so opening its sealed root
 * and checking its signature give the same answer each time (an X25519 and an Ed25519 check, about
 * a tenth of the receiving gateway's CPU per message). Each answer is kept under all of its inputs:
 * the root under the key pair's public key and the sealed root, a good signature under the signing
 * key, the signed content and the signature. So a retired key generation or a withdrawn signing key
 * is never answered from here: the resolver asks only about the keys it still holds or finds.
 * Only successes are kept; bounded, least recently used first out.
 */
public final class AddressMemo {

    /** Keeps nothing: every message is worked out in full. */
    public static final AddressMemo NONE = new AddressMemo(0);

    private final int capacity;
    private final Map<Bytes, Bytes> roots;
    private final Map<Bytes, Boolean> signatures;

    /** A memo holding at most {@code capacity} roots and as many good signatures. */
    public AddressMemo(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity " + capacity + " is negative");
        }
        this.capacity = capacity;
        this.roots = bounded(capacity);
        this.signatures = bounded(capacity);
    }

    /** The root {@code sealedRoot} opens to with the key pair whose public key is {@code keyOwner}. */
    Optional<byte[]> root(Bytes keyOwner, Bytes sealedRoot, Supplier<Optional<byte[]>> open) {
        if (capacity == 0) {
            return open.get();
        }
        Bytes key = key(keyOwner, sealedRoot.toByteArray());
        Bytes known;
        synchronized (roots) {
            known = roots.get(key);
        }
        if (known != null) {
            return Optional.of(known.toByteArray());
        }
        Optional<byte[]> opened = open.get();
        opened.ifPresent(root -> {
            synchronized (roots) {
                roots.put(key, Bytes.of(root));
            }
        });
        return opened;
    }

    /** Whether {@code signingKey} made {@code signature} over {@code content}. */
    boolean verified(Bytes signingKey, byte[] content, byte[] signature, Supplier<Boolean> verify) {
        if (capacity == 0) {
            return verify.get();
        }
        Bytes key = key(signingKey, content, signature);
        synchronized (signatures) {
            if (signatures.containsKey(key)) {
                return true;
            }
        }
        boolean good = verify.get();
        if (good) {
            synchronized (signatures) {
                signatures.put(key, Boolean.TRUE);
            }
        }
        return good;
    }

    /** Each part length-prefixed, so no two different input lists make the same key. */
    private static Bytes key(Bytes first, byte[]... rest) {
        int length = 4 + first.length();
        for (byte[] part : rest) {
            length += 4 + part.length;
        }
        WireWriter writer = new WireWriter(length).u32(first.length()).bytes(first);
        for (byte[] part : rest) {
            writer.u32(part.length).bytes(part);
        }
        return Bytes.adopt(writer.toByteArray());
    }

    private static <V> Map<Bytes, V> bounded(int capacity) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Bytes, V> eldest) {
                return size() > capacity;
            }
        };
    }
}
