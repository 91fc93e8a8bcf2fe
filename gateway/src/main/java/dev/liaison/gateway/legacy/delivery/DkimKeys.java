package dev.liaison.gateway.legacy.delivery;

import dev.liaison.gateway.keys.KeyEncryptionKey;
import dev.liaison.gateway.keys.KeyFileException;
import dev.liaison.gateway.keys.SealException;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Optional;

/**
 * The DKIM keys in {@code legacy.dkim_keys}: one per selector, generated the first time a selector
 * is needed and never changed (a new key is a new selector, so the old record can stay published
 * while mail signed with it is in flight). The private key is sealed under the key-encryption key
 * and bound to its selector, as the relay's keys are: a database dump alone reveals no key.
 */
public final class DkimKeys {

    private static final String AAD_PREFIX = "liaison dkim key v1:";

    private final KeyEncryptionKey kek;

    public DkimKeys(KeyEncryptionKey kek) {
        this.kek = kek;
    }

    /**
     * The key for {@code selector}, created first if there is none. Two processes starting
     * together both end up with the one that was inserted first.
     */
    public DkimKey loadOrCreate(Connection c, String selector) throws SQLException {
        Optional<DkimKey> stored = load(c, selector);
        if (stored.isPresent()) {
            return stored.get();
        }
        DkimKey fresh = DkimKey.generate(selector);
        byte[] pkcs8 = fresh.encodedPrivateKey();
        try (var s = c.prepareStatement("INSERT INTO legacy.dkim_keys (selector, private_key, public_key)"
                + " VALUES (?, ?, ?) ON CONFLICT (selector) DO NOTHING")) {
            s.setString(1, selector);
            s.setBytes(2, kek.seal(pkcs8, aad(selector)));
            s.setBytes(3, fresh.publicKey().getEncoded());
            if (s.executeUpdate() == 1) {
                return fresh;
            }
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
        return load(c, selector).orElseThrow(() -> new IllegalStateException("DKIM key " + selector
                + " vanished while it was created"));
    }

    /** The stored key for {@code selector}, if there is one. */
    public Optional<DkimKey> load(Connection c, String selector) throws SQLException {
        try (var s = c.prepareStatement("SELECT private_key, public_key FROM legacy.dkim_keys WHERE selector = ?")) {
            s.setString(1, selector);
            try (var rs = s.executeQuery()) {
                return rs.next() ? Optional.of(open(selector, rs.getBytes(1), rs.getBytes(2))) : Optional.empty();
            }
        }
    }

    private DkimKey open(String selector, byte[] sealed, byte[] publicKey) {
        byte[] pkcs8 = null;
        try {
            pkcs8 = kek.open(sealed, aad(selector));
            return DkimKey.decode(selector, pkcs8, publicKey);
        } catch (SealException e) {
            throw new KeyFileException("the key-encryption key keys/kek of this data directory does not match the"
                    + " database: DKIM key '" + selector + "' sealed in it does not open with it; restore the keys/kek"
                    + " that belongs to this database (from the same backup)", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("stored DKIM key '" + selector + "' is not an RSA key pair: "
                    + e.getMessage(), e);
        } finally {
            if (pkcs8 != null) {
                Arrays.fill(pkcs8, (byte) 0);
            }
        }
    }

    private static byte[] aad(String selector) {
        return (AAD_PREFIX + selector).getBytes(StandardCharsets.US_ASCII);
    }
}
