package dev.liaison.gateway.keys;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import dev.liaison.mapping.database.Database;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The server's key-encryption key: seals secrets (relationship protocol state, private keys)
 * before they reach the database, so a database dump alone reveals no key. AES-256-GCM from the
 * JDK provider; a sealed blob is {@code version(1) || nonce(12) || ciphertext || tag(16)}.
 *
 * <p>The associated data names the row a blob belongs to (e.g. {@code "relationship:42"}): a blob
 * copied into another row does not open there. Nonces are random: with 96 bits, one key stays
 * well inside GCM's bounds for 2^32 seals, far more than a gateway writes.
 *
 * <p>The key lives in {@code data-dir/keys/kek} (32 raw bytes, mode 0600). It is never logged and
 * {@link #toString()} does not show it.
 */
public final class KeyEncryptionKey {

    public static final int FORMAT_VERSION = 1;
    static final int KEY_BYTES = 32;
    static final int NONCE_BYTES = 12;
    static final int TAG_BYTES = 16;
    static final int MIN_SEALED_BYTES = 1 + NONCE_BYTES + TAG_BYTES;
    private static final String DIRECTORY = "keys";
    private static final String FILE = "kek";
    private static final Set<PosixFilePermission> OTHERS = Set.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    private KeyEncryptionKey(byte[] keyBytes) {
        this.key = new SecretKeySpec(keyBytes, "AES");
        Arrays.fill(keyBytes, (byte) 0);
    }

    /** Where {@link #loadOrCreate} keeps the key under a data directory. */
    public static Path fileIn(Path dataDir) {
        return dataDir.resolve(DIRECTORY).resolve(FILE);
    }

    /**
     * Reads {@code data-dir/keys/kek}, generating it first only if absent and {@code db} holds
     * nothing sealed under a key yet (a new gateway). A {@link KeyFileException} if it is absent
     * while the database holds sealed state (a data directory restored without it, or a second node
     * not given the first one's): a new key would open none of it, and the state sealed under it
     * would make the lost one's state unreachable for good. Whether the file matches the database is
     * told where the state is opened ({@code ServiceKeys} at start).
     */
    public static KeyEncryptionKey loadOrCreate(Path dataDir, Database db) {
        Path file = fileIn(dataDir);
        if (!Files.exists(file)) {
            String sealed = db.inTransaction(KeyEncryptionKey::sealedState);
            if (!sealed.isEmpty()) {
                throw new KeyFileException("the key-encryption key " + file + " is missing, but the database holds "
                        + sealed + " sealed under it: restore keys/kek from the backup of this data directory (a"
                        + " further node on this database: copy the first node's); a new key would open none of it");
            }
        }
        return loadOrCreate(dataDir);
    }

    /** What the database holds sealed under a key-encryption key, in words; empty if nothing. */
    private static String sealedState(Connection c) throws SQLException {
        List<String> found = new ArrayList<>();
        count(c, "relay.service_keys").ifPresent(n -> found.add("the receiving service's key ring"));
        count(c, "mapping.relationships").ifPresent(n -> found.add(n + " relationship" + (n == 1 ? "" : "s")));
        count(c, "legacy.dkim_keys").ifPresent(n -> found.add("the DKIM key" + (n == 1 ? "" : "s")));
        return String.join(", ", found);
    }

    /** The rows in {@code table}, if it exists and has any (a schema not migrated yet has none). */
    private static Optional<Long> count(Connection c, String table) throws SQLException {
        try (var exists = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            exists.setString(1, table);
            try (var rs = exists.executeQuery()) {
                if (!rs.next() || !rs.getBoolean(1)) {
                    return Optional.empty();
                }
            }
        }
        try (var s = c.createStatement(); var rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1) > 0 ? Optional.of(rs.getLong(1)) : Optional.empty();
        }
    }

    /**
     * Reads {@code data-dir/keys/kek}, generating it first if absent (for a database without sealed
     * state: {@link #loadOrCreate(Path, Database)} checks that). Two processes starting
     * together end up with the same key: the new key is written to a private temporary file and
     * hard-linked into place, which fails instead of replacing a key another process linked first.
     * {@link KeyFileException} if the file exists but cannot be used.
     */
    public static KeyEncryptionKey loadOrCreate(Path dataDir) {
        Path file = fileIn(dataDir);
        if (!Files.exists(file)) {
            create(file);
        }
        return new KeyEncryptionKey(read(file));
    }

    private static void create(Path file) {
        Path dir = file.getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir.getParent());
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException e) {
                // created by an earlier run or a process starting alongside: fine
            }
            tmp = Files.createTempFile(dir, "kek-", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            byte[] keyBytes = new byte[KEY_BYTES];
            new SecureRandom().nextBytes(keyBytes);
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(keyBytes));
                channel.force(true); // on disk before it is visible: a crash must not leave an empty key
            } finally {
                Arrays.fill(keyBytes, (byte) 0);
            }
            try {
                Files.createLink(file, tmp);
            } catch (FileAlreadyExistsException e) {
                // another process linked its key first; everyone uses that one
            }
        } catch (IOException | UnsupportedOperationException e) {
            throw new KeyFileException("cannot create the key-encryption key " + file + ": " + e.getMessage()
                    + "; check that the data directory is writable and on a POSIX file system", e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    private static byte[] read(Path file) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.stream().anyMatch(OTHERS::contains)) {
                throw new KeyFileException("key-encryption key " + file + " is open to other users ("
                        + PosixFilePermissions.toString(permissions) + "); run: chmod 600 " + file);
            }
            long size = Files.size(file);
            if (size != KEY_BYTES) {
                throw new KeyFileException("key-encryption key " + file + " has " + size + " bytes, not " + KEY_BYTES
                        + "; restore it from backup (a new key would make every sealed row unreadable)");
            }
            return Files.readAllBytes(file);
        } catch (IOException | UnsupportedOperationException e) {
            throw new KeyFileException("cannot read the key-encryption key " + file + ": " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path tmp) {
        if (tmp != null) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // a stray temporary file in data-dir/keys holds a key nobody uses; harmless
            }
        }
    }

    /** Encrypts and authenticates {@code plaintext}, bound to {@code associatedData} (the row it is for). */
    public byte[] seal(byte[] plaintext, byte[] associatedData) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, nonce, associatedData);
            byte[] sealed = new byte[1 + NONCE_BYTES + cipher.getOutputSize(plaintext.length)];
            sealed[0] = FORMAT_VERSION;
            System.arraycopy(nonce, 0, sealed, 1, NONCE_BYTES);
            cipher.doFinal(plaintext, 0, plaintext.length, sealed, 1 + NONCE_BYTES);
            return sealed;
        } catch (GeneralSecurityException e) {
            throw new AssertionError("AES/GCM/NoPadding with a 256-bit key is always available", e);
        }
    }

    /** The plaintext {@link #seal} was given, if {@code sealed} is intact and was sealed for {@code associatedData}. */
    public byte[] open(byte[] sealed, byte[] associatedData) throws SealException {
        if (sealed.length < MIN_SEALED_BYTES) {
            throw new MalformedSealException(sealed.length, MIN_SEALED_BYTES);
        }
        if (sealed[0] != FORMAT_VERSION) {
            throw new UnsupportedSealVersionException(Byte.toUnsignedInt(sealed[0]), FORMAT_VERSION);
        }
        byte[] nonce = Arrays.copyOfRange(sealed, 1, 1 + NONCE_BYTES);
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, nonce, associatedData);
            return cipher.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw new SealAuthenticationException(sealed.length, associatedData.length);
        } catch (GeneralSecurityException e) {
            throw new AssertionError("AES/GCM/NoPadding with a 256-bit key is always available", e);
        }
    }

    private Cipher cipher(int mode, byte[] nonce, byte[] associatedData) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
        // the version byte is authenticated too, so a future format cannot be downgraded into this one
        cipher.updateAAD(new byte[]{FORMAT_VERSION});
        cipher.updateAAD(associatedData);
        return cipher;
    }

    @Override
    public String toString() {
        return "KeyEncryptionKey[AES-256-GCM, format " + FORMAT_VERSION + "]";
    }
}
