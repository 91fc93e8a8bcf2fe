package dev.liaison.gateway.autoconfig;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The autoconfiguration documents, parsed back with the JDK's XML parser. */
class AutoconfigDocumentsTest {

    private static final MailServers SERVERS = new MailServers("example.org", "mail.example.org", 1143, 1993, 1587, 1465);

    @Test
    void thunderbirdConfigListsImplicitTlsFirstThenStarttlsOnTheConfiguredPorts() throws Exception {
        Document doc = PlistReader.parseXml(ThunderbirdConfig.render(SERVERS));
        assertEquals("clientConfig", doc.getDocumentElement().getTagName());
        assertEquals("1.1", doc.getDocumentElement().getAttribute("version"));
        Element provider = (Element) doc.getElementsByTagName("emailProvider").item(0);
        assertEquals("example.org", provider.getAttribute("id"));
        assertEquals("example.org", text(provider, "domain"));
        assertEquals(List.of("imap mail.example.org 1993 SSL", "imap mail.example.org 1143 STARTTLS"),
                servers(doc, "incomingServer"));
        assertEquals(List.of("smtp mail.example.org 1465 SSL", "smtp mail.example.org 1587 STARTTLS"),
                servers(doc, "outgoingServer"));
        NodeList users = doc.getElementsByTagName("username");
        NodeList auth = doc.getElementsByTagName("authentication");
        assertEquals(4, users.getLength());
        for (int i = 0; i < 4; i++) {
            assertEquals("%EMAILLOCALPART%", users.item(i).getTextContent());
            assertEquals("password-cleartext", auth.item(i).getTextContent());
        }
    }

    @Test
    void markupInAConfiguredNameIsEscapedAndReadsBackUnchanged() throws Exception {
        String hostile = "evil\"><clientConfig>&x;'.example";
        Document doc = PlistReader.parseXml(ThunderbirdConfig.render(new MailServers(hostile, hostile, 1, 2, 3, 4)));
        assertEquals(hostile, ((Element) doc.getElementsByTagName("emailProvider").item(0)).getAttribute("id"));
        assertEquals(hostile, doc.getElementsByTagName("hostname").item(0).getTextContent());
        assertEquals(1, doc.getElementsByTagName("clientConfig").getLength());
        assertThrows(IllegalArgumentException.class,
                () -> ThunderbirdConfig.render(new MailServers("a\u0000b", "h", 1, 2, 3, 4)));
    }

    @Test
    void appleProfileIsAPlistWithOneManagedMailPayloadOverTlsAndNoPassword() throws Exception {
        Map<String, Object> profile = PlistReader.read(AppleProfile.render(SERVERS, MailAddress.parse("Alex@Example.org",
                "example.org")));
        assertEquals("Configuration", profile.get("PayloadType"));
        assertEquals(1L, profile.get("PayloadVersion"));
        List<?> content = (List<?>) profile.get("PayloadContent");
        assertEquals(1, content.size());
        Map<?, ?> mail = (Map<?, ?>) content.get(0);
        assertEquals("com.apple.mail.managed", mail.get("PayloadType"));
        assertEquals("EmailTypeIMAP", mail.get("EmailAccountType"));
        assertEquals("alex@example.org", mail.get("EmailAddress"));
        assertEquals("mail.example.org", mail.get("IncomingMailServerHostName"));
        assertEquals(1993L, mail.get("IncomingMailServerPortNumber"));
        assertEquals(true, mail.get("IncomingMailServerUseSSL"));
        assertEquals("alex", mail.get("IncomingMailServerUsername"));
        assertEquals("mail.example.org", mail.get("OutgoingMailServerHostName"));
        assertEquals(1465L, mail.get("OutgoingMailServerPortNumber"));
        assertEquals(true, mail.get("OutgoingMailServerUseSSL"));
        assertEquals("alex", mail.get("OutgoingMailServerUsername"));
        assertEquals("EmailAuthPassword", mail.get("IncomingMailServerAuthentication"));
        assertFalse(mail.containsKey("IncomingPassword"), "the profile carries no password");
        assertFalse(mail.containsKey("OutgoingPassword"), "the profile carries no password");
        assertEquals(true, mail.get("OutgoingPasswordSameAsIncomingPassword"), "the user types it once");
        assertEquals(mail.get("PayloadUUID"), ((Map<?, ?>) ((List<?>) PlistReader.read(AppleProfile.render(SERVERS,
                MailAddress.parse("alex@example.org", "example.org"))).get("PayloadContent")).get(0)).get("PayloadUUID"),
                "the same address gets the same UUIDs, so a reinstall replaces the account");
        assertNotEquals(profile.get("PayloadUUID"), PlistReader.read(AppleProfile.render(SERVERS,
                MailAddress.parse("blair@example.org", "example.org"))).get("PayloadUUID"));
    }

    @Test
    void onlyAddressesOnTheGatewaysDomainAreAccepted() {
        assertEquals("alex", MailAddress.parse("ALEX@EXAMPLE.ORG", "example.org").localPart());
        assertEquals("blair.k7q2xm", MailAddress.parse("blair.k7q2xm@example.org", "example.org").localPart());
        for (String bad : List.of("", "alex", "@example.org", "alex@example.com", "alex@sub.example.org",
                "a@b@example.org", "al ex@example.org", "alex+tag@example.org", "<alex>@example.org",
                "x".repeat(250) + "@example.org")) {
            assertThrows(IllegalArgumentException.class, () -> MailAddress.parse(bad, "example.org"), bad);
        }
    }

    private static List<String> servers(Document doc, String element) {
        NodeList nodes = doc.getElementsByTagName(element);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            Element e = (Element) nodes.item(i);
            out.add(e.getAttribute("type") + " " + text(e, "hostname") + " " + text(e, "port") + " " + text(e, "socketType"));
        }
        return out;
    }

    private static String text(Element parent, String child) {
        return parent.getElementsByTagName(child).item(0).getTextContent();
    }

    @Test
    void exceptionMessagesRepeatNoneOfTheInput() {
        var e = assertThrows(IllegalArgumentException.class, () -> MailAddress.parse("<script>@example.org", "example.org"));
        assertTrue(!e.getMessage().contains("script"), e.getMessage());
    }
}
