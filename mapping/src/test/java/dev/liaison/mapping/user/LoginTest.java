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

    @ParameterizedTest
    @ValueSource(strings = {"a", "alex", "alex.doe", "a-b_c.9", "9lives", "x.y.z",
            "0123456789012345678901234567890123456789012345678901234567890123"})
    void aNewLoginIsADotAtomLocalPartBeginningAndEndingWithALetterOrDigit(String value) {
        assertEquals(value, Login.ofNew(value).value());
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "..|it begins with '.'",
            ".|it begins with '.'",
            "-x|it begins with '-'",
            "_x|it begins with '_'",
            ".alex|it begins with '.'",
            "alex.|it ends with '.'",
            "alex-|it ends with '-'",
            "alex..doe|it has two dots in a row",
            "Alex|it has upper-case letters",
            "alex doe|it has a space",
            "alex@example.org|it has '@'",
            "a\"b|it has '\"'",
            "älex|it has 'ä'",
            "a/b|it has '/'",
            "a+tag|it has '+'",
            "01234567890123456789012345678901234567890123456789012345678901234|it is 65 characters long"})
    void aNewLoginBreakingTheRuleIsRefusedSayingWhatIsWrongAndTheRule(String value, String problem) {
        var e = assertThrows(InvalidLoginException.class, () -> Login.ofNew(value));
        assertEquals("invalid login '" + value + "': " + problem + "; a login is the local part of the user's"
                + " address (login@domain): use 1 to 64 lower-case letters, digits, '.', '-' or '_', beginning and"
                + " ending with a letter or digit, without two dots in a row", e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void anEmptyNewLoginIsRefusedSayingSo() {
        var e = assertThrows(InvalidLoginException.class, () -> Login.ofNew(""));
        assertEquals("invalid login '': it is empty; ", e.getMessage().substring(0, e.getMessage().indexOf("; ") + 2));
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "-x", "alex.", "a..b", "_x"})
    void aLoginAnExistingUserMayHaveIsStillALogin(String value) {
        assertEquals(value, Login.of(value).value()); // sign-in, passwd, disable: existing users are unaffected
    }
}
