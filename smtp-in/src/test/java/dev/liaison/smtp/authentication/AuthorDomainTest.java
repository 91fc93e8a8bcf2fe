package dev.liaison.smtp.authentication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one author domain DMARC is checked against (RFC 7489 §6.6.1). */
class AuthorDomainTest {

    @Test
    void displayNamesCommentsAndFoldsAreParsedAway() throws Exception {
        assertEquals("legacy.example", AuthorDomain.of(List.of("From: \"ceo@reject.example\" <Bob@Legacy.Example>")));
        assertEquals("legacy.example", AuthorDomain.of(List.of("From: bob@legacy.example (ceo@reject.example)")));
        assertEquals("legacy.example", AuthorDomain.of(List.of("FROM: Bob\r\n <bob@legacy.example>", "To: x@y.example")));
    }

    @Test
    void anythingButExactlyOneAuthorIsRefused() {
        assertThrows(AuthorAddressException.class, () -> AuthorDomain.of(List.of("To: x@y.example")));
        assertThrows(AuthorAddressException.class,
                () -> AuthorDomain.of(List.of("From: a@legacy.example", "From: b@reject.example")));
        assertThrows(AuthorAddressException.class,
                () -> AuthorDomain.of(List.of("From: a@legacy.example, b@reject.example")));
        assertThrows(AuthorAddressException.class, () -> AuthorDomain.of(List.of("From: group: a@x.example, b@y.example;")));
        assertThrows(AuthorAddressException.class, () -> AuthorDomain.of(List.of("From: g: b@bank.example;")),
                "a group of one is still a group");
        assertThrows(AuthorAddressException.class,
                () -> AuthorDomain.of(List.of("From: a@legacy.example", "From : b@reject.example")),
                "white space before the colon still makes a second From (RFC 5322 section 4.5.3)");
        assertThrows(AuthorAddressException.class, () -> AuthorDomain.of(List.of("From: nobody")));
        assertThrows(AuthorAddressException.class, () -> AuthorDomain.of(List.of("From: <bob@legacy.example")));
        assertThrows(AuthorAddressException.class, () -> AuthorDomain.of(List.of("From: bob@legacy.example.")));
    }

    @Test
    void aFromWithWhiteSpaceBeforeItsColonIsTheAuthor() throws Exception {
        assertEquals("legacy.example", AuthorDomain.of(List.of("From \t: bob@legacy.example")));
    }

    @Test
    void aFieldMerelyStartingWithFromIsNotTheAuthor() throws Exception {
        assertEquals("legacy.example",
                AuthorDomain.of(List.of("From-Legacy: ceo@reject.example", "From: bob@legacy.example")));
    }

    /** RFC 6532 header text arrives as octets; the MX hands the fields over one char per octet. */
    private static String octets(String field) {
        return new String(field.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    @Test
    void utf8DisplayNamesCommentsAndLocalPartsLeaveTheDomain() throws Exception {
        assertEquals("legacy.example", AuthorDomain.of(List.of(octets("From: Zoë Grünwald <bob@legacy.example>"))));
        assertEquals("legacy.example", AuthorDomain.of(List.of(octets("From: \"Müller, Jörg\" <bob@legacy.example>"))));
        assertEquals("legacy.example", AuthorDomain.of(List.of(octets("From: bob@legacy.example (Grüße ☕)"))));
        assertEquals("legacy.example", AuthorDomain.of(List.of(octets("From: jörg@legacy.example"))));
    }

    @Test
    void utf8CannotHideASecondAuthorNorAUnicodeDomain() {
        assertThrows(AuthorAddressException.class,
                () -> AuthorDomain.of(List.of(octets("From: Zoë <a@legacy.example>, Jörg <b@reject.example>"))));
        AuthorAddressException uLabel = assertThrows(AuthorAddressException.class,
                () -> AuthorDomain.of(List.of(octets("From: Jörg <jörg@bücher.example>"))));
        assertTrue(uLabel.getMessage().contains("A-label"), uLabel.getMessage());
    }
}
