package dev.liaison.gateway.address;

import dev.liaison.gateway.wire.Bytes;
import java.util.List;

/**
 * The receiving service's answer to "which address-signing keys did the holder of this root address
 * register?". The relay implements it over its database; an empty list means no user holds it.
 */
@FunctionalInterface
public interface SignerDirectory {
    List<Bytes> signingKeysFor(RootAddress root);
}
