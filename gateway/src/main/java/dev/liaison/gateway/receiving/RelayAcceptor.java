package dev.liaison.gateway.receiving;

import dev.liaison.gateway.address.AddressException;
import dev.liaison.gateway.address.AddressMemo;
import dev.liaison.gateway.address.AddressResolver;
import dev.liaison.gateway.address.RootAddress;
import dev.liaison.gateway.envelope.Envelope;
import dev.liaison.gateway.envelope.EnvelopeCodec;
import dev.liaison.gateway.envelope.EnvelopeException;
import dev.liaison.gateway.transport.EnvelopeBytes;
import dev.liaison.gateway.transport.receive.EnvelopeAcceptor;
import dev.liaison.gateway.transport.receive.PeerAddress;
import dev.liaison.gateway.wire.Bytes;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The receiving service's first look at an envelope (docs/protocol.md §4.5, §8.2): broken framing
 * is refused; otherwise the address is resolved and its signature checked against the key
 * registered for its root, naming the relationship it is for. The peer gets the same answer
 * either way; the transport layer counts the unresolvable ones against it.
 */
public final class RelayAcceptor implements EnvelopeAcceptor {

    /** Signed addresses of this many relationships stay opened and checked (about 0.3 KB each). */
    private static final int MEMO_CAPACITY = 4096;

    private final ServiceKeys keys;
    private final Endpoints endpoints;
    private final Clock clock;
    private final AddressMemo memo = new AddressMemo(MEMO_CAPACITY);

    public RelayAcceptor(ServiceKeys keys, Endpoints endpoints, Clock clock) {
        this.keys = keys;
        this.endpoints = endpoints;
        this.clock = clock;
    }

    @Override
    public Verdict assess(Connection c, EnvelopeBytes bytes, PeerAddress peer) throws SQLException {
        Envelope envelope;
        try {
            envelope = EnvelopeCodec.decode(bytes.sharedArray());
        } catch (EnvelopeException e) {
            return new Malformed(e.getMessage());
        }
        return resolve(c, envelope).<Verdict>map(Resolved::new).orElseGet(Unresolvable::new);
    }

    /** The relationship an envelope's address names, if it resolves and its signature verifies. */
    public Optional<Long> resolve(Connection c, Envelope envelope) throws SQLException {
        Lookup lookup = new Lookup(c);
        try {
            AddressResolver.resolveAndVerify(keys.ring(), envelope.address(), clock.instant(), lookup::signingKeys,
                    memo);
            return lookup.found.map(Endpoints.Endpoint::relationshipId);
        } catch (AddressException e) {
            return Optional.empty();
        } catch (LookupFailed e) {
            throw e.getCause();
        }
    }

    /** Bridges the resolver's callback to the database, remembering the endpoint it found. */
    private final class Lookup {
        private final Connection c;
        private Optional<Endpoints.Endpoint> found = Optional.empty();

        Lookup(Connection c) {
            this.c = c;
        }

        List<Bytes> signingKeys(RootAddress root) {
            try {
                found = endpoints.find(c, root);
                return found.map(e -> List.of(e.signingKey())).orElse(List.of());
            } catch (SQLException e) {
                throw new LookupFailed(e);
            }
        }
    }

    private static final class LookupFailed extends RuntimeException {
        LookupFailed(SQLException cause) {
            super(cause);
        }

        @Override
        public synchronized SQLException getCause() {
            return (SQLException) super.getCause();
        }
    }
}
