package dev.liaison.gateway.autoconfig;

import dev.liaison.gateway.Gateway;
import dev.liaison.gateway.config.Configuration;
import dev.liaison.gateway.tls.TrustingClients;
import dev.liaison.mapping.database.DatabaseLocation;
import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A gateway behind a container runtime, as docker/compose.yaml runs one: peers reach it as
 * {@code gw-a}, mail clients on the host as localhost on the published ports. The documents it
 * serves name what the clients can use, not the relay's address and the ports bound inside.
 */
class AutoconfigServedTest {

    @TempDir
    Path dir;

    @Test
    void clientsAreToldTheConfiguredHostAndPortsNotThePeersAddressOrTheBoundPorts() throws Exception {
        DatabaseLocation.External db = TestPostgres.available().get(0).freshLocation();
        Map<String, String> settings = new HashMap<>(Map.of("domain", "a.liaison.test", "data-dir", dir.toString(),
                "bind-address", "127.0.0.1", "smtp.submission.port", "0", "smtp.submissions.port", "0",
                "smtp.inbound.port", "0", "imap.port", "0", "imaps.port", "0", "http.port", "0"));
        settings.putAll(Map.of("database.url", db.url(), "database.user", db.user(), "database.password", db.password(),
                "http.public-url", "https://gw-a:8443", "mail.client-host", "localhost",
                "mail.client-submission-port", "1587", "mail.client-submissions-port", "1465",
                "mail.client-imap-port", "1143", "mail.client-imaps-port", "1993"));
        try (Gateway gateway = Gateway.start(Configuration.defaultsWith(settings))) {
            HttpClient client = HttpClient.newBuilder()
                    .sslContext(TrustingClients.trusting(gateway.tls().certificate())).build();
            for (String path : List.of(AutoconfigResources.THUNDERBIRD, AutoconfigResources.THUNDERBIRD_WELL_KNOWN)) {
                Document doc = PlistReader.parseXml(get(client, gateway, path));
                assertEquals(List.of("localhost 1993 SSL", "localhost 1143 STARTTLS"), servers(doc, "incomingServer"));
                assertEquals(List.of("localhost 1465 SSL", "localhost 1587 STARTTLS"), servers(doc, "outgoingServer"));
            }
            Map<?, ?> mail = (Map<?, ?>) ((List<?>) PlistReader.read(get(client, gateway,
                    AutoconfigResources.APPLE + "?emailaddress=alex%40a.liaison.test")).get("PayloadContent")).get(0);
            assertEquals("localhost", mail.get("IncomingMailServerHostName"));
            assertEquals(1993L, mail.get("IncomingMailServerPortNumber"));
            assertEquals("localhost", mail.get("OutgoingMailServerHostName"));
            assertEquals(1465L, mail.get("OutgoingMailServerPortNumber"));
        }
    }

    @Test
    void unsetTheyAreThePublicUrlsHostAndTheBoundPorts() {
        Configuration c = Configuration.defaultsWith(Map.of("domain", "a.liaison.test", "http.public-url", "https://gw-a:8443"));
        assertEquals(new MailServers("a.liaison.test", "gw-a", 143, 993, 587, 465), MailServers.forClients(c, 143, 993, 587, 465));
        assertEquals("a.liaison.test", MailServers.forClients(Configuration.defaultsWith(Map.of("domain", "a.liaison.test")),
                1, 2, 3, 4).hostname());
    }

    private static byte[] get(HttpClient client, Gateway gateway, String path) throws Exception {
        HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(URI.create("https://localhost:"
                + gateway.httpPort() + path)).timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode(), path);
        return response.body();
    }

    private static List<String> servers(Document doc, String element) {
        NodeList nodes = doc.getElementsByTagName(element);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            Element e = (Element) nodes.item(i);
            out.add(e.getElementsByTagName("hostname").item(0).getTextContent() + " "
                    + e.getElementsByTagName("port").item(0).getTextContent() + " "
                    + e.getElementsByTagName("socketType").item(0).getTextContent());
        }
        return out;
    }
}
