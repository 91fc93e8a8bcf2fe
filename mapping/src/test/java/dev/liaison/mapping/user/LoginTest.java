package dev.liaison.mapping.user;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LoginTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "alex", "alex.doe", "a-b_c.9", "0123456789012345678901234567890123456789012345678901234567890123"})
    void acceptsLowerCaseLettersDigitsDotDashUnderscoreUpTo64(String value) {
        assertEquals(value, Login.of(value).value());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Alex", "alex doe", "alex@example.org", "älex", "a/b", "a%b",
            "01234567890123456789012345678901234567890123456789012345678901234"})
    void refusesEverythingElseNamingTheValue(String value) {
        var e = assertThrows(InvalidLoginException.class, () -> Login.of(value));
        assertEquals("invalid login '" + value + "': use 1 to 64 lower-case letters, digits, '.', '-' or '_'",
                e.getMessage());
    }
}
