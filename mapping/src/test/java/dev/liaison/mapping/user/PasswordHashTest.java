package dev.liaison.mapping.user;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PasswordHashTest {

    @Test
    void hashIsArgon2idInPhcFormatAndVerifiesOnlyTheRightPassword() {
        PasswordHash hash = PasswordHash.create("correct horse".toCharArray());
        assertTrue(hash.encoded().startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), hash.encoded());
        PasswordHash reread = PasswordHash.parse(hash.encoded());
        assertTrue(reread.verify("correct horse".toCharArray()));
        assertFalse(reread.verify("correct horsf".toCharArray()));
        assertFalse(reread.verify("".toCharArray()));
    }

    @Test
    void samePasswordHashesDifferentlyEachTime() {
        assertNotEquals(PasswordHash.create("pw".toCharArray()).encoded(), PasswordHash.create("pw".toCharArray()).encoded());
    }

    @Test
    void nonAsciiPasswordsWork() {
        PasswordHash hash = PasswordHash.create("pässwörd🔑".toCharArray());
        assertTrue(hash.verify("pässwörd🔑".toCharArray()));
        assertFalse(hash.verify("passwörd🔑".toCharArray()));
    }

    @Test
    void malformedStoredHashesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> PasswordHash.parse("$argon2i$v=19$m=1,t=1,p=1$AAAA$BBBB"));
        assertThrows(IllegalArgumentException.class, () -> PasswordHash.parse("plain-text"));
    }

    @Test
    void emptyAndHugePasswordsAreRefusedWhenSet() {
        assertThrows(InvalidPasswordException.class, () -> PasswordHash.create(new char[0]));
        assertThrows(InvalidPasswordException.class, () -> PasswordHash.create(new char[1025]));
        assertThrows(InvalidPasswordException.class, () -> PasswordHash.create(" \t".toCharArray()),
                "a password of white space could never log in");
    }

    @Test
    void toStringNeverShowsTheHash() {
        assertFalse(PasswordHash.create("pw".toCharArray()).toString().contains("argon2"));
    }
}
