package dev.liaison.smtp.authentication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** RFC 7489 §3.2 organizational domains and §3.1 alignment. */
class OrganizationalDomainTest {

    @Test
    void registeredDomainUnderAListedSuffix() {
        assertEquals("example.co.uk", OrganizationalDomain.of("mail.news.example.co.uk"));
        assertEquals("example.com", OrganizationalDomain.of("a.b.example.com"));
        assertEquals("example.com", OrganizationalDomain.of("example.com"));
    }

    @Test
    void unlistedTopLevelDomainFallsBackToTheImplicitRule() {
        assertEquals("sender.example", OrganizationalDomain.of("mail.sender.example"));
        assertEquals("sender.example", OrganizationalDomain.of("sender.example"));
    }

    @Test
    void aPublicSuffixIsItsOwnOrganization() {
        assertEquals("co.uk", OrganizationalDomain.of("co.uk"));
    }

    @Test
    void relaxedAlignmentIsTheSameOrganizationStrictIsTheSameName() {
        assertTrue(OrganizationalDomain.aligned("bounce.example.com", "example.com", false));
        assertFalse(OrganizationalDomain.aligned("bounce.example.com", "example.com", true));
        assertTrue(OrganizationalDomain.aligned("Example.com", "example.com", true));
        assertFalse(OrganizationalDomain.aligned("example.net", "example.com", false));
        assertFalse(OrganizationalDomain.aligned("evil.co.uk", "example.co.uk", false));
        assertFalse(OrganizationalDomain.aligned("", "example.com", false));
    }
}
