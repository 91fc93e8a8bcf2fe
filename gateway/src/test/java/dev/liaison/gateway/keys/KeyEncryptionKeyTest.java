package dev.liaison.gateway.keys;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyEncryptionKeyTest {

    private static final byte[] ROW_42 = bytes("relationship:42");
    private static final byte[] ROW_43 = bytes("relationship:43");

    @TempDir
    Path dataDir;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void sealedDataOpensToTheSamePlaintextIncludingEmptyAndLargeOnes() throws Exception {
        KeyEncryptionKey kek = KeyEncryptionKey.loadOrCreate(dataDir);
        byte[] large = new byte[200_000];
        new java.util.Random(7).nextBytes(large);
        for (byte[] plaintext : List.of(new byte[0], bytes("ratchet state"), large)) {
            byte[] sealed = kek.seal(plaintext, ROW_42);
            assertEquals(1 + 12 + plaintext.length + 16, sealed.length);
            assertEquals(KeyEncryptionKey.FORMAT_VERSION, sealed[0]);
            assertArrayEquals(plaintext, kek.open(sealed, ROW_42));
        }
    }

    @Test
    void sealingTheSamePlaintextTwiceGivesDifferentBytesAndHidesThePlaintext() {
        KeyEncryptionKey kek = KeyEncryptionKey.loadOrCreate(dataDir);
        byte[] plaintext = bytes("the same ratchet state");
        byte[] first = kek.seal(plaintext, ROW_42);
        byte[] second = kek.seal(plaintext, ROW_42);
        assertFalse(Arrays.equals(first, second), "nonces must be fresh for every seal");
        assertFalse(new String(first, StandardCharsets.ISO_8859_1).contains("ratchet"));
    }

    @Test
    void aBlobMovedToAnotherRowDoesNotOpenThere() {
        KeyEncryptionKey kek = KeyEncryptionKey.loadOrCreate(dataDir);
        byte[] sealed = kek.seal(bytes("state of 42"), ROW_42);
        var e = assertThrows(SealAuthenticationException.class, () -> kek.open(sealed, ROW_43));
        assertTrue(e.getMessage().startsWith("sealed data (" + sealed.length + " bytes, 15 bytes of associated data)"
                + " does not authenticate"), e.getMessage());
        assertThrows(SealAuthenticationException.class, () -> kek.open(sealed, new byte[0]));
    }

    @Test
    void flippingAnyBitAnywhereIsRefused() {
        KeyEncryptionKey kek = KeyEncryptionKey.loadOrCreate(dataDir);
        byte[] sealed = kek.seal(bytes("hello"), ROW_42);
        for (int i = 0; i < sealed.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] tampered = sealed.clone();
                tampered[i] ^= (byte) (1 << bit);
                Class<? extends SealException> expected = i == 0
                        ? UnsupportedSealVersionException.class : SealAuthenticationException.class;
                assertThrows(expected, () -> kek.open(tampered, ROW_42), "byte " + i + " bit " + bit);
            }
        }
    }

    @Test
    void everyTruncationIsRefused() {
        KeyEncryptionKey kek = KeyEncryptionKey.loadOrCreate(dataDir);
        byte[] sealed = kek.seal(bytes("hello"), ROW_42);
        for (int length = 0; length < sealed.length; length++) {
            byte[] cut = Arrays.copyOf(sealed, length);
            if (length < 1 + 12 + 16) {
                var e = assertThrows(MalformedSealException.class, () -> kek.open(cut, ROW_42), "length " + length);
                assertEquals("sealed data of " + length + " bytes is shorter than the minimum of 29 bytes"
                        + " (version, nonce, tag); the row is damaged, restore it from backup", e.getMessage());
            } else {
                assertThrows(SealAuthenticationException.class, () -> kek.open(cut, ROW_42), "length " + length);
            }
        }
    }

    @Test
    void anUnknownFormatVersionIsRefusedAsSuch() {
        KeyEncryptionKey kek = KeyEncryptionKey.loadOrCreate(dataDir);
        byte[] sealed = kek.seal(bytes("hello"), ROW_42);
        sealed[0] = 2;
        var e = assertThrows(UnsupportedSealVersionException.class, () -> kek.open(sealed, ROW_42));
        assertEquals("sealed data has format version 2, this Liaison reads version 1; run the Liaison version"
                + " that wrote it, or restore the row from backup", e.getMessage());
    }

    @Test
    void keyFileIsOwnerOnlyAndHoldsThirtyTwoBytes() throws Exception {
        KeyEncryptionKey.loadOrCreate(dataDir);
        Path file = dataDir.resolve("keys").resolve("kek");
        assertEquals(file, KeyEncryptionKey.fileIn(dataDir));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        assertEquals(32, Files.size(file));
        try (var files = Files.list(file.getParent())) {
            assertEquals(List.of(file), files.toList(), "no temporary file may be left behind");
        }
    }

    @Test
    void reloadingReadsTheSameKey() throws Exception {
        byte[] sealed = KeyEncryptionKey.loadOrCreate(dataDir).seal(bytes("kept across restarts"), ROW_42);
        byte[] before = Files.readAllBytes(KeyEncryptionKey.fileIn(dataDir));
        KeyEncryptionKey reloaded = KeyEncryptionKey.loadOrCreate(dataDir);
        assertArrayEquals(bytes("kept across restarts"), reloaded.open(sealed, ROW_42));
        assertArrayEquals(before, Files.readAllBytes(KeyEncryptionKey.fileIn(dataDir)));
    }

    @Test
    void twoDataDirectoriesGetDifferentKeys(@TempDir Path otherDir) throws Exception {
        KeyEncryptionKey one = KeyEncryptionKey.loadOrCreate(dataDir);
        KeyEncryptionKey two = KeyEncryptionKey.loadOrCreate(otherDir);
        assertFalse(Arrays.equals(Files.readAllBytes(KeyEncryptionKey.fileIn(dataDir)),
                Files.readAllBytes(KeyEncryptionKey.fileIn(otherDir))));
        byte[] sealed = one.seal(bytes("only for one"), ROW_42);
        assertThrows(SealAuthenticationException.class, () -> two.open(sealed, ROW_42));
    }

    @Test
    void startersRacingOnAFreshDataDirectoryAllEndUpWithOneKey() throws Exception {
        int starters = 8;
        CyclicBarrier barrier = new CyclicBarrier(starters);
        ExecutorService pool = Executors.newFixedThreadPool(starters);
        try {
            List<Callable<KeyEncryptionKey>> tasks = new ArrayList<>();
            for (int i = 0; i < starters; i++) {
                tasks.add(() -> {
                    barrier.await();
                    return KeyEncryptionKey.loadOrCreate(dataDir);
                });
            }
            List<KeyEncryptionKey> keys = new ArrayList<>();
            for (Future<KeyEncryptionKey> f : pool.invokeAll(tasks)) {
                keys.add(f.get());
            }
            byte[] sealed = keys.get(0).seal(bytes("shared"), ROW_42);
            for (KeyEncryptionKey k : keys) {
                assertArrayEquals(bytes("shared"), k.open(sealed, ROW_42));
            }
        } finally {
            pool.shutdown();
        }
        try (var files = Files.list(dataDir.resolve("keys"))) {
            assertEquals(1, files.count(), "no temporary file may be left behind");
        }
    }

    @Test
    void toStringNeverShowsTheKey() throws Exception {
        KeyEncryptionKey kek = KeyEncryptionKey.loadOrCreate(dataDir);
        byte[] key = Files.readAllBytes(KeyEncryptionKey.fileIn(dataDir));
        String text = kek.toString();
        assertEquals("KeyEncryptionKey[AES-256-GCM, format 1]", text);
        assertFalse(text.contains(HexFormat.of().formatHex(key)));
        assertFalse(text.contains(Base64.getEncoder().encodeToString(key)));
    }

    @Test
    void aKeyFileOpenToOtherUsersIsRefusedWithTheFix() throws Exception {
        KeyEncryptionKey.loadOrCreate(dataDir);
        Path file = KeyEncryptionKey.fileIn(dataDir);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        var e = assertThrows(KeyFileException.class, () -> KeyEncryptionKey.loadOrCreate(dataDir));
        assertEquals("key-encryption key " + file + " is open to other users (rw-r--r--); run: chmod 600 " + file,
                e.getMessage());
    }

    @Test
    void aKeyFileOfTheWrongSizeIsRefusedAndNotReplaced() throws Exception {
        Path file = KeyEncryptionKey.fileIn(dataDir);
        Files.createDirectories(file.getParent());
        Files.write(file, new byte[16]);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        var e = assertThrows(KeyFileException.class, () -> KeyEncryptionKey.loadOrCreate(dataDir));
        assertEquals("key-encryption key " + file + " has 16 bytes, not 32; restore it from backup"
                + " (a new key would make every sealed row unreadable)", e.getMessage());
        assertArrayEquals(new byte[16], Files.readAllBytes(file));
    }
}
