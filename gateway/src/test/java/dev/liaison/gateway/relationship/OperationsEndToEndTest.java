package dev.liaison.gateway.relationship;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.liaison.gateway.autoconfig.PlistReader;
import dev.liaison.mapping.database.TestPostgres;
import dev.liaison.mapping.relationship.RelationshipState;
import dev.liaison.mapping.user.Login;
import jakarta.mail.Message;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two gateways relaying to each other, observed the way an operator does: {@code /metrics}
 * scraped with the JDK HttpClient before and after mail written by jakarta-mail crosses from one
 * to the other, the health endpoints, and every log line both gateways wrote during the whole
 * exchange (invitation, key agreement, submission, relay, IMAP, reply) scanned for the passwords,
 * the invitation token, the subjects and the bodies used; and the mail client autoconfiguration a
 * user's client would fetch.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperationsEndToEndTest {

    private static final String SUBJECT = "figures for the board 4f7e";
    private static final String BODY = "the plan is to meet at the old mill 9c1d";
    private static final String REPLY_SUBJECT = "Re: figures for the board 4f7e";
    private static final String REPLY_BODY = "agreed, bring the ledger 2b8a";

    @TempDir
    static Path dir;
    private static GatewayPair pair;
    private static String alexAlias;
    private static String blairAlias;
    private static String invitationToken;
    private static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();
    private static final List<Runnable> RESTORE = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        captureLogs();
        pair = new GatewayPair(TestPostgres.available().get(0), dir);
        pair.alex.admin.addUser(Login.of("alex"), "Alex", pair.alex.password.toCharArray());
        pair.blair.admin.addUser(Login.of("blair"), "Blair", pair.blair.password.toCharArray());
        connect();
    }

    /** Everything from our code at DEBUG (stricter than the shipped INFO), James at INFO (shipped: WARN). */
    private static void captureLogs() {
        LOGS.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(LOGS);
        RESTORE.add(() -> root.detachAppender(LOGS));
        for (String name : List.of("dev.liaison", "org.apache.james")) {
            Logger logger = (Logger) LoggerFactory.getLogger(name);
            Level before = logger.getLevel();
            logger.setLevel(name.equals("dev.liaison") ? Level.DEBUG : Level.INFO);
            RESTORE.add(() -> logger.setLevel(before));
        }
    }

    /** {@link GatewayPair#connect()}, keeping the invitation token to look for it in the logs. */
    private static void connect() throws Exception {
        var issued = pair.alex.gateway.database().inTransaction(c -> pair.alex.relay().invitations()
                .create(c, Login.of("alex"), "Alex", Invitations.DEFAULT_LIFETIME));
        invitationToken = issued.token();
        var accepted = pair.blair.gateway.database().inTransaction(c -> pair.blair.relay().invitations()
                .accept(c, Login.of("blair"), "Blair", issued.token()));
        GatewayPair.await(Duration.ofSeconds(30), () -> pair.alex.state(issued.relationshipId()) == RelationshipState.ACTIVE,
                "alex's end of the relationship to become active");
        alexAlias = pair.alex.gateway.database().inTransaction(c -> pair.alex.relay().control().list(c, Login.of("alex"))
                .stream().filter(r -> r.id() == issued.relationshipId()).findFirst().orElseThrow().alias().orElseThrow());
        blairAlias = accepted.alias().address().toString();
    }

    @AfterAll
    static void stop() {
        if (pair != null) {
            pair.close();
        }
        RESTORE.forEach(Runnable::run);
    }

    @Test
    @Order(1)
    void metricsCountTheSubmissionItsDeliveryAndItsProcessing() throws Exception {
        String alexBefore = scrape(pair.alex);
        String blairBefore = scrape(pair.blair);

        send(pair.alex, "alex", alexAlias, SUBJECT, BODY);
        RelayEndToEndTest.awaitMessage(pair.blair, SUBJECT);
        String alexAfter = awaitScrape(pair.alex, s -> Scrapes.value(s, "liaison_relay_delivery_attempts_total",
                "outcome=\"delivered\"") > Scrapes.value(alexBefore, "liaison_relay_delivery_attempts_total",
                "outcome=\"delivered\""));
        String blairAfter = scrape(pair.blair);

        assertEquals(1, delta(alexBefore, alexAfter, "liaison_smtp_messages_total", "outcome=\"accepted\""));
        assertEquals(0, delta(alexBefore, alexAfter, "liaison_smtp_messages_total", "outcome=\"not_committed\""));
        assertTrue(delta(alexBefore, alexAfter, "liaison_smtp_sessions_total") >= 1, "an SMTP session was counted");
        assertTrue(delta(alexBefore, alexAfter, "liaison_smtp_auth_total", "outcome=\"succeeded\"") >= 1);
        assertTrue(delta(alexBefore, alexAfter, "liaison_smtp_commit_seconds_count") >= 1, "the commit was timed");
        assertTrue(delta(alexBefore, alexAfter, "liaison_relay_delivery_attempts_total", "host=\"localhost\"",
                "outcome=\"delivered\"") >= 1, "the delivery to localhost was counted by destination host");
        assertEquals(0, Scrapes.value(alexAfter, "liaison_relay_outbound_pending"), "nothing left in the queue");
        assertEquals(0, Scrapes.value(alexAfter, "liaison_relay_outbound_oldest_age_seconds"));

        assertTrue(delta(blairBefore, blairAfter, "liaison_relay_envelopes_received_total", "verdict=\"resolved\"") >= 1,
                "blair's receiving service counted the envelope");
        assertTrue(delta(blairBefore, blairAfter, "liaison_relay_envelopes_processed_total", "outcome=\"done\"") >= 1);
        assertTrue(delta(blairBefore, blairAfter, "liaison_relay_processing_seconds_count") >= 1);
        assertEquals(0, Scrapes.value(blairAfter, "liaison_relay_envelopes_processed_total", "outcome=\"quarantined\""));
        for (String listener : List.of("submission", "mx", "relay")) { // every byte given back after a real exchange
            for (String scrape : List.of(alexAfter, blairAfter)) {
                assertTrue(scrape.contains("liaison_buffered_bytes{listener=\"" + listener + "\""), listener);
                assertEquals(0, Scrapes.value(scrape, "liaison_buffered_bytes", "listener=\"" + listener + "\""), listener);
            }
        }
        assertTrue(delta(blairBefore, blairAfter, "liaison_imap_connections_total") >= 1, "reading the INBOX over IMAP");
        assertTrue(delta(blairBefore, blairAfter, "liaison_imap_logins_total", "outcome=\"succeeded\"") >= 1);
        assertTrue(delta(blairBefore, blairAfter, "liaison_imap_commands_seconds_count", "command=\"EXAMINE\"") >= 1);
        assertTrue(delta(blairBefore, blairAfter, "liaison_imap_commands_seconds_count", "command=\"FETCH\"") >= 1);
        assertTrue(Scrapes.value(blairAfter, "hikaricp_connections_max", "pool=\"liaison\"") > 0, "the pool is measured");
        assertTrue(Scrapes.has(blairAfter, "jvm_memory_used_bytes"), "JVM memory is measured");
        for (String line : blairAfter.split("\n")) { // an administrator reads what each series is
            String[] help = line.split(" ", 4);
            assertFalse(line.startsWith("# HELP ") && (help.length < 4 || help[3].isBlank()), "a series without help: " + line);
        }
    }

    @Test
    @Order(2)
    void wrongPasswordsAreCountedAsRefusedSmtpAndImapLogins() throws Exception {
        String before = scrape(pair.alex);
        MimeMessage m = new MimeMessage(MailClients.smtp(pair.alex));
        m.setFrom(new InternetAddress("alex@alex.test"));
        m.setRecipients(Message.RecipientType.TO, alexAlias);
        m.setText("never sent");
        try {
            MailClients.send(pair.alex, "alex", "not-the-password", m);
        } catch (jakarta.mail.AuthenticationFailedException expected) {
            // 535, as it should be
        }
        assertEquals(1, delta(before, scrape(pair.alex), "liaison_smtp_auth_total", "outcome=\"invalid\""));
        try {
            MailClients.imap(pair.alex, "alex", "not-the-password").close();
        } catch (jakarta.mail.AuthenticationFailedException expected) {
            // NO, as it should be
        }
        assertEquals(1, delta(before, scrape(pair.alex), "liaison_imap_logins_total", "outcome=\"refused\""));
    }

    @Test
    @Order(3)
    void bothGatewaysAreLiveAndReady() throws Exception {
        for (GatewayPair.Node node : List.of(pair.alex, pair.blair)) {
            HttpResponse<String> live = Scrapes.get(node, "/health/live");
            assertEquals(200, live.statusCode());
            HttpResponse<String> ready = Scrapes.get(node, "/health/ready");
            assertEquals(200, ready.statusCode(), ready.body());
            assertEquals("ready\n", ready.body());
            assertEquals("no-store", ready.headers().firstValue("Cache-Control").orElse(""));
        }
    }

    @Test
    @Order(4)
    void thunderbirdAutoconfigAtBothPathsNamesThisGatewaysHostAndPorts() throws Exception {
        var gw = pair.alex.gateway;
        for (String path : List.of("/.well-known/autoconfig/mail/config-v1.1.xml",
                "/mail/config-v1.1.xml?emailaddress=alex%40alex.test")) {
            HttpResponse<String> response = Scrapes.get(pair.alex, path);
            assertEquals(200, response.statusCode(), path);
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/xml"));
            Document doc = PlistReader.parseXml(response.body().getBytes(StandardCharsets.UTF_8));
            assertEquals(List.of("localhost:" + gw.imapsPort() + ":SSL", "localhost:" + gw.imapPort() + ":STARTTLS"),
                    servers(doc, "incomingServer"), path);
            assertEquals(List.of("localhost:" + gw.submissionsPort() + ":SSL", "localhost:" + gw.submissionPort()
                    + ":STARTTLS"), servers(doc, "outgoingServer"), path);
        }
    }

    @Test
    @Order(5)
    void appleProfileIsServedForAnAddressOnThisDomainOnly() throws Exception {
        HttpResponse<String> profile = Scrapes.get(pair.blair, "/mail/apple.mobileconfig?emailaddress=blair%40blair.test");
        assertEquals(200, profile.statusCode(), profile.body());
        assertEquals("application/x-apple-aspen-config", profile.headers().firstValue("Content-Type").orElse(""));
        assertTrue(profile.headers().firstValue("Content-Disposition").orElse("").startsWith("attachment;"));
        Map<String, Object> plist = PlistReader.read(profile.body().getBytes(StandardCharsets.UTF_8));
        Map<?, ?> mail = (Map<?, ?>) ((List<?>) plist.get("PayloadContent")).get(0);
        assertEquals("blair@blair.test", mail.get("EmailAddress"));
        assertEquals((long) pair.blair.gateway.imapsPort(), mail.get("IncomingMailServerPortNumber"));
        assertEquals((long) pair.blair.gateway.submissionsPort(), mail.get("OutgoingMailServerPortNumber"));
        assertFalse(profile.body().contains(pair.blair.password), "no password in the profile");

        for (String query : List.of("?emailaddress=blair%40alex.test", "?emailaddress=", "", "?emailaddress=%3Cb%3E%40blair.test")) {
            HttpResponse<String> refused = Scrapes.get(pair.blair, "/mail/apple.mobileconfig" + query);
            assertEquals(400, refused.statusCode(), query);
            assertFalse(refused.body().contains("<b>"), "the refusal does not echo the input: " + refused.body());
        }
        HttpResponse<String> post = Scrapes.send(pair.blair, java.net.http.HttpRequest.newBuilder(
                Scrapes.uri(pair.blair, "/mail/apple.mobileconfig")).POST(java.net.http.HttpRequest.BodyPublishers.noBody()));
        assertEquals(405, post.statusCode());
    }

    private static List<String> servers(Document doc, String element) {
        NodeList nodes = doc.getElementsByTagName(element);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            Element e = (Element) nodes.item(i);
            out.add(e.getElementsByTagName("hostname").item(0).getTextContent() + ":"
                    + e.getElementsByTagName("port").item(0).getTextContent() + ":"
                    + e.getElementsByTagName("socketType").item(0).getTextContent());
        }
        return out;
    }

    @Test
    @Order(9)
    void noPasswordTokenSubjectOrBodyOfTheWholeExchangeIsLogged() throws Exception {
        send(pair.blair, "blair", blairAlias, REPLY_SUBJECT, REPLY_BODY);
        RelayEndToEndTest.awaitMessage(pair.alex, REPLY_SUBJECT);
        awaitLogged("delivery envelope=", "outcome=delivered");

        List<String> secrets = new ArrayList<>(List.of(pair.alex.password, pair.blair.password, invitationToken,
                SUBJECT, BODY, REPLY_SUBJECT, REPLY_BODY, "figures for the board", "old mill", "bring the ledger"));
        for (GatewayPair.Node node : List.of(pair.alex, pair.blair)) {
            secrets.add(base64("\0" + node.user + "\0" + node.password)); // AUTH PLAIN
            secrets.add(base64(node.user + "\0" + node.user + "\0" + node.password));
            secrets.add(base64(node.password)); // AUTH LOGIN
        }
        List<String> lines = logLines();
        assertTrue(lines.size() > 50, "the exchange was logged at all (" + lines.size() + " lines)");
        assertTrue(lines.stream().anyMatch(l -> l.contains("submission id=") && l.contains("outcome=accepted")),
                "one line per SMTP transaction was captured");
        List<String> delivered = lines.stream().filter(l -> l.startsWith("delivery envelope=")
                && l.contains("outcome=delivered")).map(l -> l.split("[ =]")[2]).toList();
        assertFalse(delivered.isEmpty());
        for (String envelope : delivered) { // the receiver logs the id the sender logged: a message is traced across
            awaitLogged("processed envelope=" + envelope + " ");
            List<String> receiving = logLines();
            assertTrue(receiving.stream().anyMatch(l -> l.startsWith("received envelope=" + envelope + " ")
                    && l.contains(" outcome=stored ")), "received " + envelope);
            assertTrue(receiving.stream().anyMatch(l -> l.startsWith("processed envelope=" + envelope + " ")
                    && l.matches(".* outcome=(filed|applied)( reason=\"[a-z ,]+\")? ms=\\d+")), "processed " + envelope);
        }
        lines = logLines();
        for (String line : lines) {
            for (String secret : secrets) {
                assertFalse(line.contains(secret), "log line reveals '" + secret + "': " + line);
            }
            for (String user : List.of("alex@alex.test", "blair@blair.test", alexAlias, blairAlias)) {
                if (line.contains("submission id=") || line.contains("delivery envelope=")
                        || line.contains("received envelope=") || line.contains("processed envelope=")) {
                    assertFalse(line.contains(user), "a transaction line names an address: " + line);
                }
            }
            if (line.contains("relationship")) { // "relationship 1 of alex established" linked the user to it
                for (String login : List.of("alex", "blair")) {
                    assertFalse(java.util.regex.Pattern.compile("(^|[\\s=(])" + login + "([\\s,)]|$)").matcher(line).find(),
                            "a line about a relationship names its user: " + line);
                }
            }
        }
    }

    private static List<String> logLines() {
        synchronized (LOGS) { // AppenderBase appends under this lock, from the servers' threads
            List<String> lines = new ArrayList<>();
            for (ILoggingEvent event : LOGS.list) {
                lines.add(event.getFormattedMessage()
                        + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy())));
            }
            return lines;
        }
    }

    private static void awaitLogged(String... fragments) throws InterruptedException {
        GatewayPair.await(Duration.ofSeconds(30), () -> logLines().stream()
                .anyMatch(l -> List.of(fragments).stream().allMatch(l::contains)), "a log line with " + List.of(fragments));
    }

    private static void send(GatewayPair.Node node, String login, String to, String subject, String body) throws Exception {
        MimeMessage m = new MimeMessage(MailClients.smtp(node));
        m.setFrom(new InternetAddress(login + "@" + node.domain));
        m.setRecipients(Message.RecipientType.TO, to);
        m.setSubject(subject);
        m.setText(body + "\r\n");
        m.saveChanges();
        MailClients.send(node, login, node.password, m);
    }

    static String scrape(GatewayPair.Node node) throws Exception {
        HttpResponse<String> response = Scrapes.get(node, "/metrics");
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        return response.body();
    }

    private static String awaitScrape(GatewayPair.Node node, java.util.function.Predicate<String> done) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String scrape = scrape(node);
        while (!done.test(scrape) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            scrape = scrape(node);
        }
        return scrape;
    }

    private static double delta(String before, String after, String metric, String... labels) {
        return Scrapes.value(after, metric, labels) - Scrapes.value(before, metric, labels);
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
