package dev.liaison.gateway.address;

import dev.liaison.gateway.Limits;
import dev.liaison.gateway.primitive.Agreement;
import dev.liaison.gateway.primitive.AgreementKeyPair;
import dev.liaison.gateway.primitive.Entropy;
import dev.liaison.gateway.wire.Bytes;
import dev.liaison.gateway.wire.WireFormatException;
import dev.liaison.gateway.wire.WireReader;
import dev.liaison.gateway.wire.WireWriter;
import java.util.Collections;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A receiving service's diversification key pairs by generation (seed 4.4, step 2). Rotating adds a
 * new current generation; older ones keep resolving addresses until retired, which the service
 * does once every address made with them has expired. Immutable: each change returns a new ring.
 */
public final class ServiceKeyRing {
    public static final int FORMAT_VERSION = 1;
    private final SortedMap<Integer, AgreementKeyPair> keys;
    private final int current;

    private ServiceKeyRing(SortedMap<Integer, AgreementKeyPair> keys, int current) {
        this.keys = Collections.unmodifiableSortedMap(new TreeMap<>(keys));
        this.current = current;
    }

    public static ServiceKeyRing create(Entropy entropy) {
        TreeMap<Integer, AgreementKeyPair> keys = new TreeMap<>();
        keys.put(1, Agreement.generate(entropy));
        return new ServiceKeyRing(keys, 1);
    }

    /** A ring whose new current generation is one past the newest. */
    public ServiceKeyRing rotate(Entropy entropy) {
        if (keys.size() >= Limits.MAX_SERVICE_KEY_GENERATIONS) {
            throw new IllegalStateException(keys.size() + " key generations held (limit "
                    + Limits.MAX_SERVICE_KEY_GENERATIONS + "); retire expired generations before rotating");
        }
        if (keys.lastKey() == Integer.MAX_VALUE) {
            throw new IllegalStateException("newest key generation is " + keys.lastKey() + ", the largest a u32"
                    + " generation may be (2^31 - 1); no further generation exists, start a new key ring");
        }
        TreeMap<Integer, AgreementKeyPair> next = new TreeMap<>(keys);
        int generation = keys.lastKey() + 1;
        next.put(generation, Agreement.generate(entropy));
        return new ServiceKeyRing(next, generation);
    }

    /** A ring without {@code generation}; addresses made with it stop resolving. */
    public ServiceKeyRing retire(int generation) {
        if (generation == current) {
            throw new IllegalArgumentException("generation " + generation + " is current; rotate first");
        }
        TreeMap<Integer, AgreementKeyPair> next = new TreeMap<>(keys);
        next.remove(generation);
        return new ServiceKeyRing(next, current);
    }

    /** The key senders and users diversify with now. */
    public DiversificationKey currentKey() {
        return new DiversificationKey(current, keys.get(current).publicKey());
    }

    public Optional<AgreementKeyPair> keyPair(int generation) {
        return Optional.ofNullable(keys.get(generation));
    }

    public java.util.Set<Integer> generations() {
        return keys.keySet();
    }

    /** {@code u8 version || u32 current || u8 count || count × (u32 generation || 32 private || 32 public)}. */
    public byte[] encode() {
        WireWriter writer = new WireWriter(6 + keys.size() * 68).u8(FORMAT_VERSION).u32(current).u8(keys.size());
        keys.forEach((generation, pair) ->
                writer.u32(generation).bytes(pair.privateKey()).bytes(pair.publicKey()));
        return writer.toByteArray();
    }

    public static ServiceKeyRing decode(byte[] encoded) throws MalformedAddressException {
        try {
            WireReader reader = new WireReader(encoded);
            if (reader.u8() != FORMAT_VERSION) {
                throw new WireFormatException("unsupported key ring version");
            }
            int current = reader.u32(Integer.MAX_VALUE, "current generation");
            int count = reader.u8();
            if (count > Limits.MAX_SERVICE_KEY_GENERATIONS) {
                throw new WireFormatException(count + " generations, over the limit " + Limits.MAX_SERVICE_KEY_GENERATIONS);
            }
            TreeMap<Integer, AgreementKeyPair> keys = new TreeMap<>();
            for (int i = 0; i < count; i++) {
                int generation = reader.u32(Integer.MAX_VALUE, "generation");
                Bytes privateKey = reader.fixed(32, "private key");
                keys.put(generation, new AgreementKeyPair(privateKey, reader.fixed(32, "public key")));
            }
            reader.expectEnd("key ring");
            if (!keys.containsKey(current) || keys.firstKey() < 1) {
                throw new WireFormatException("current generation " + current + " is not in the ring");
            }
            return new ServiceKeyRing(keys, current);
        } catch (WireFormatException e) {
            throw new MalformedAddressException("service key ring: " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "ServiceKeyRing[current=" + current + ", generations=" + keys.keySet() + "]";
    }
}
