package dev.liaison.mapping.correspondent;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The plain-email side of a legacy relationship: who the peer is (a lower-cased address), which
 * published alias their first message came to (empty when the user wrote first), and when the
 * relationship moved to the Communicator transport (empty while it still travels as email), and
 * the invitation the correspondent's gateway offered while the user had not answered yet.
 */
public record LegacyCorrespondent(long relationshipId, long ownerId, String address, Optional<Long> viaAlias,
                                  Optional<Instant> upgradedAt, Optional<String> offeredInvitation, Instant createdAt) {

    /** Longest address (RFC 5321's path limit less the brackets). */
    public static final int MAX_ADDRESS_LENGTH = 254;

    public LegacyCorrespondent {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(viaAlias, "viaAlias");
        Objects.requireNonNull(upgradedAt, "upgradedAt");
        Objects.requireNonNull(offeredInvitation, "offeredInvitation");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** Mail with this correspondent travels end-to-end encrypted now; plain email claiming to be them is suspect. */
    public boolean upgraded() {
        return upgradedAt.isPresent();
    }
}
