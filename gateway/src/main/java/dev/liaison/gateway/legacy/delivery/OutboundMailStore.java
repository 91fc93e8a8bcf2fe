package dev.liaison.gateway.legacy.delivery;

import dev.liaison.gateway.transport.EnvelopeId;
import dev.liaison.smtp.address.EmailAddress;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The SMTP envelopes of queued messages ({@code legacy.outbound_mail}), one row per queue row.
 * Uses the caller's connection and never commits. Rows are read back from the database, which
 * this gateway wrote; an address that no longer parses is reported, never sent.
 */
final class OutboundMailStore {

    /** Records the envelope of the queue row {@code id}; the row must exist in this transaction. */
    void record(Connection c, EnvelopeId id, OutboundMail mail) throws SQLException {
        try (var s = c.prepareStatement("INSERT INTO legacy.outbound_mail (envelope_id, owner, sender, recipient)"
                + " VALUES (?, ?, ?, ?)")) {
            s.setString(1, id.value());
            s.setString(2, mail.owner());
            s.setString(3, mail.sender().toString());
            s.setString(4, mail.recipient().toString());
            s.executeUpdate();
        }
    }

    Optional<OutboundMail> find(Connection c, EnvelopeId id) throws SQLException {
        try (var s = c.prepareStatement("SELECT owner, sender, recipient FROM legacy.outbound_mail WHERE envelope_id = ?")) {
            s.setString(1, id.value());
            try (var rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new OutboundMail(rs.getString(1), parse(rs.getString(2)), parse(rs.getString(3))));
            }
        }
    }

    private static EmailAddress parse(String stored) throws SQLException {
        try {
            return EmailAddress.parse(stored);
        } catch (dev.liaison.smtp.address.AddressRefusedException e) {
            throw new SQLException("legacy.outbound_mail holds an address that does not parse: " + e.getMessage(), e);
        }
    }
}
