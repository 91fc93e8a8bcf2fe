package dev.liaison.gateway.receiving;

import dev.liaison.gateway.address.ServiceKeyRing;
import dev.liaison.gateway.transport.receive.ServiceDescription;
import dev.liaison.gateway.transport.receive.ServiceDescriptionSource;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code /.well-known/communicator.json}: the service id, endpoint and the key generations that
 * still resolve. A superseded generation's {@code validUntil} is when the last address made with
 * it expires (it was superseded one rotation period after the next one became current).
 */
public final class RelayDescription implements ServiceDescriptionSource {

    private final String serviceId;
    private final Supplier<URI> endpoint;
    private final int maxEnvelopeBytes;
    private final ServiceKeys keys;

    /** {@code endpoint} is asked per request: it is known only once the listener is bound. */
    public RelayDescription(String serviceId, Supplier<URI> endpoint, int maxEnvelopeBytes, ServiceKeys keys) {
        this.serviceId = serviceId;
        this.endpoint = endpoint;
        this.maxEnvelopeBytes = maxEnvelopeBytes;
        this.keys = keys;
    }

    @Override
    public ServiceDescription current() {
        ServiceKeyRing ring = keys.ring();
        int current = ring.currentKey().generation();
        Instant supersededAt = keys.rotatedAt();
        List<ServiceDescription.KeyGeneration> generations = new ArrayList<>();
        for (int generation : ring.generations().stream().sorted(Comparator.reverseOrder()).toList()) {
            String publicKey = ring.keyPair(generation).map(k -> Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(k.publicKey().toByteArray())).orElseThrow();
            Instant validUntil = generation == current
                    ? supersededAt.plus(keys.rotation()).plus(ServiceKeys.HELD_AFTER_SUPERSEDED)
                    : supersededAt.minus(keys.rotation().multipliedBy(current - generation - 1L))
                            .plus(ServiceKeys.HELD_AFTER_SUPERSEDED);
            generations.add(new ServiceDescription.KeyGeneration(generation, publicKey, generation == current,
                    validUntil));
        }
        return new ServiceDescription(serviceId, endpoint.get(), generations, maxEnvelopeBytes);
    }
}
