package dev.liaison.smtp.address;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.liaison.smtp.address.AddressRefusedException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathParserTest {

    @ParameterizedTest(name = "{0} is refused as {1}")
    @CsvSource(delimiter = '|', value = {
        "@relay.example:user@gw.example        | SOURCE_ROUTE",
        "@a.example,@b.example:user@gw.example | SOURCE_ROUTE",
        "\"user@elsewhere.example\"@gw.example | QUOTED_LOCAL_PART",
        "\"a b\"@gw.example                    | QUOTED_LOCAL_PART",
        "user\\@x@gw.example                   | QUOTED_LOCAL_PART",
        "user@[192.0.2.1]                      | ADDRESS_LITERAL",
        "user@[IPv6:2001:db8::1]               | ADDRESS_LITERAL",
        "user%elsewhere.example@gw.example     | PERCENT_HACK",
        "elsewhere.example!user@gw.example     | BANG_PATH",
        "user@gw.example.                      | MALFORMED",
        "user.@gw.example                      | MALFORMED",
        ".user@gw.example                      | MALFORMED",
        "us..er@gw.example                     | MALFORMED",
        "user@gw..example                      | MALFORMED",
        "user@-gw.example                      | MALFORMED",
        "user@gw_example.org                   | MALFORMED",
        "user@elsewhere.example@gw.example     | MALFORMED",
        "user                                  | MALFORMED",
        "user@                                 | MALFORMED",
        "@                                     | SOURCE_ROUTE",
        "us er@gw.example                      | MALFORMED",
        "user:x@gw.example                     | MALFORMED",
        "bl\u0430ir@gw.example                 | NON_ASCII",
        "blair@gw.ex\u0430mple                 | NON_ASCII",
        "blair\uff20gw.example                 | NON_ASCII",
        "blair@gw\u3002example                 | NON_ASCII",
        "\ufffd@gw.example                     | NON_ASCII",
    })
    void relayFormsAndMalformedPathsAreRefusedWithTheirReason(String path, Reason reason) {
        AddressRefusedException refused = assertThrows(AddressRefusedException.class, () -> PathParser.parseMailbox(path));
        assertEquals(reason, refused.reason(), refused.getMessage());
    }

    @Test
    void controlCharactersAreMalformed() {
        assertEquals(Reason.MALFORMED, assertThrows(AddressRefusedException.class,
                () -> PathParser.parseMailbox("us\u0000er@gw.example")).reason());
        assertEquals(Reason.MALFORMED, assertThrows(AddressRefusedException.class,
                () -> PathParser.parseMailbox("user@gw.example\t")).reason());
    }

    @Test
    void mixedCaseIsFoldedToOneCanonicalAddress() throws Exception {
        EmailAddress address = PathParser.parseMailbox("Blair.K7Q2XM@GW.Example");
        assertEquals(new EmailAddress("blair.k7q2xm", "gw.example"), address);
        assertEquals("blair.k7q2xm@gw.example", address.toString());
    }

    @Test
    void ordinaryDotAtomsAreAccepted() throws Exception {
        assertEquals("first.last+tag@mail.gw.example", PathParser.parseMailbox("first.last+tag@mail.gw.example").toString());
        assertEquals("o'brien_x-y@localhost", PathParser.parseMailbox("o'brien_x-y@localhost").toString());
    }

    @Test
    void lengthLimitsOfRfc5321AreEnforced() throws Exception {
        String local64 = "a".repeat(64);
        assertEquals(local64 + "@gw.example", PathParser.parseMailbox(local64 + "@gw.example").toString());
        assertEquals(Reason.MALFORMED, assertThrows(AddressRefusedException.class,
                () -> PathParser.parseMailbox("a".repeat(65) + "@gw.example")).reason());
        assertEquals(Reason.MALFORMED, assertThrows(AddressRefusedException.class,
                () -> PathParser.parseMailbox("a@" + "b".repeat(64) + ".example")).reason());
        String longDomain = ("d".repeat(62) + ".").repeat(4) + "example";
        assertEquals(Reason.MALFORMED, assertThrows(AddressRefusedException.class,
                () -> PathParser.parseMailbox("a@" + longDomain)).reason());
    }

    @Test
    void constructorRefusesNonCanonicalParts() {
        assertThrows(IllegalArgumentException.class, () -> new EmailAddress("Upper", "gw.example"));
        assertThrows(IllegalArgumentException.class, () -> new EmailAddress("a%b", "gw.example"));
        assertThrows(IllegalArgumentException.class, () -> new EmailAddress("a", "gw.example."));
    }

    /** RFC 6531 §3.3: UTF-8 in the local part, U-labels made A-labels, octet limits, no relay forms. */
    @Test
    void internationalMailboxesOfAnSmtpUtf8Sender() throws Exception {
        assertEquals("jörg.müller@xn--bcher-kva.example",
                PathParser.parseInternationalMailbox("Jörg.Müller@Bücher.example").toString());
        assertEquals("用户@legacy.example", PathParser.parseInternationalMailbox("用户@legacy.example").toString());
        String local64 = "ü".repeat(32); // 64 octets
        assertEquals(local64 + "@x.example", PathParser.parseInternationalMailbox(local64 + "@x.example").toString());
        assertEquals(Reason.MALFORMED, assertThrows(AddressRefusedException.class,
                () -> PathParser.parseInternationalMailbox("ü".repeat(32) + "a@x.example")).reason(), "65 octets");
        assertEquals(Reason.MALFORMED, assertThrows(AddressRefusedException.class,
                () -> PathParser.parseInternationalMailbox("j\uFFFDrg@x.example")).reason(), "octets that were not UTF-8");
        assertEquals(Reason.MALFORMED, assertThrows(AddressRefusedException.class,
                () -> PathParser.parseInternationalMailbox("jörg\u2028x@x.example")).reason(), "a line separator");
        assertEquals(Reason.PERCENT_HACK, assertThrows(AddressRefusedException.class,
                () -> PathParser.parseInternationalMailbox("jörg%relay.example@x.example")).reason());
        assertEquals(Reason.SOURCE_ROUTE, assertThrows(AddressRefusedException.class,
                () -> PathParser.parseInternationalMailbox("@relay.example:jörg@x.example")).reason());
        assertEquals(Reason.MALFORMED, assertThrows(AddressRefusedException.class,
                () -> PathParser.parseInternationalMailbox("jörg@x.example.")).reason());
    }

    /**
     * The review's cases: the JDK's IDNA2003 maps what IDNA2008 keeps (ß to ss: SPF would ask
     * strasse.example), folds full-width forms and U+2024 to ASCII; invisible and look-alike
     * characters in a local part.
     */
    @Test
    void internationalAddressesIdna2003AndIdna2008ReadDifferentlyAreRefused() {
        for (String path : new String[] {"jörg@straße.example", "x@ς.example", "x@a\u200Db.example",
                "alex@ｇｗ．ｅｘａｍｐｌｅ", "x@ex\u2024ample", "jörg\u202Eevil@x.example", "jörg\u00A0x@x.example",
                "jörg\u200Bx@x.example", "postmaster＠gw.example@legacy.example", "x％y@legacy.example"}) {
            assertEquals(Reason.MALFORMED, assertThrows(AddressRefusedException.class,
                    () -> PathParser.parseInternationalMailbox(path), path).reason(), path);
        }
        assertEquals("jörg@xn--mnchen-3ya.example", assertDoesNotThrow(
                () -> PathParser.parseInternationalMailbox("jörg@münchen.example")).toString());
    }
}
