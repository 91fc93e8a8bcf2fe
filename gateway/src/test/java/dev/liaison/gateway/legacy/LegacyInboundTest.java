package dev.liaison.gateway.legacy;

import dev.liaison.gateway.Gateway;
import dev.liaison.gateway.admin.Administration;
import dev.liaison.gateway.config.Configuration;
import dev.liaison.gateway.invitation.InvitationCodec;
import dev.liaison.gateway.tls.TrustingClients;
import dev.liaison.mapping.database.DatabaseLocation;
import dev.liaison.mapping.database.TestPostgres;
import dev.liaison.mapping.relationship.RelationshipState;
import dev.liaison.mapping.user.Login;
import dev.liaison.smtp.dns.DnsRecordType;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Plain email from strangers and correspondents through the gateway's MX, sent by a real SMTP
 * client the way another mail server would (no AUTH), from loopback. Most senders are at
 * {@code legacy.example}, whose SPF record lists 127.0.0.1, so their mail is authenticated (SPF
 * pass, aligned with the From); the other domains publish no SPF, DKIM or DMARC records, so
 * authentication says "none" and mail is accepted but not authenticated, except
 * {@code spoofed.example}, whose SPF fails from here under a DMARC {@code p=none} policy.
 */
class LegacyInboundTest {

    private static final String DOMAIN = "alex.example";
    private static final dev.liaison.gateway.legacy.delivery.DkimKey SIGNED_KEY =
            dev.liaison.gateway.legacy.delivery.GeneratedDkimKey.key("sel");

    @TempDir
    static Path dir;
    /** The relay's clock: invitations expire by it. */
    private static final dev.liaison.gateway.transport.TestClock RELAY_CLOCK = new dev.liaison.gateway.transport.TestClock();
    private static Gateway gateway;
    private static Administration admin;
    private static String published;
    private static String privateAlias;
    private static DatabaseLocation.External database;

    @BeforeAll
    static void start() throws Exception {
        DatabaseLocation.External db = TestPostgres.available().get(0).freshLocation();
        database = db;
        Map<String, String> settings = new HashMap<>(Map.of("domain", DOMAIN, "data-dir", dir.toString(),
                "bind-address", "127.0.0.1", "smtp.submission.port", "0", "smtp.submissions.port", "0",
                "smtp.inbound.port", "0", "imap.port", "0", "imaps.port", "0", "http.port", "0", "postmaster", "sam"));
        settings.putAll(Map.of("database.url", db.url(), "database.user", db.user(), "database.password", db.password()));
        gateway = Gateway.start(Configuration.defaultsWith(settings), RELAY_CLOCK, LegacyInboundTest::dns);
        admin = new Administration(gateway.database(), DOMAIN);
        admin.addUser(Login.of("alex"), "Alex", "alex-pw".toCharArray());
        admin.addUser(Login.of("sam"), "Sam", "sam-pw".toCharArray()); // issues genuine invitations
        published = admin.createAlias(Login.of("alex"), "hello", true).address().toString();
        privateAlias = admin.createAlias(Login.of("alex"), "private").address().toString();
    }

    /** The senders' DNS, as the MX's SPF, DKIM and DMARC checks see it. */
    private static List<String> dns(String name, DnsRecordType type) {
        if (type != DnsRecordType.TXT) {
            return List.of();
        }
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "legacy.example" -> List.of("v=spf1 ip4:127.0.0.1 -all");
            case "spoofed.example" -> List.of("v=spf1 ip4:192.0.2.1 -all");
            case "_dmarc.spoofed.example" -> List.of("v=DMARC1; p=none");
            case "sel._domainkey.signed.example" -> List.of(SIGNED_KEY.record());
            case "_dmarc.signed.example" -> List.of("v=DMARC1; p=reject");
            default -> List.of();
        };
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void aStrangersMailToAPublishedAddressIsARequestShownFromTheirOwnAlias() throws Exception {
        String bob = "bob." + shortId() + "@legacy.example";
        String first = "hello from bob " + shortId();
        send(bob, "Bob Example", published, first, "<" + shortId() + "@legacy.example>");
        MimeMessage delivered = only("Requests", first);
        InternetAddress from = (InternetAddress) delivered.getFrom()[0];
        assertEquals("Bob Example", from.getPersonal());
        assertTrue(from.getAddress().startsWith("bobexample.") && from.getAddress().endsWith("@" + DOMAIN),
                "bob appears under a local alias, so a reply goes through the relationship: " + from);
        assertEquals("\"Bob Example\" <" + bob + ">", delivered.getHeader("X-Original-From")[0],
                "the original sender stays visible");
        List<String> names = java.util.Collections.list(delivered.getAllHeaderLines()).stream()
                .filter(line -> !line.startsWith(" ") && !line.startsWith("\t"))
                .map(line -> line.substring(0, line.indexOf(':')).toLowerCase(java.util.Locale.ROOT)).toList();
        assertEquals("received", names.get(0), "the MX's trace fields stay on top: " + names);
        assertTrue(names.indexOf("from") > names.lastIndexOf("received")
                && names.indexOf("from") > names.lastIndexOf("authentication-results"), names.toString());
        assertEquals(0, folder("INBOX", first).size(), "a stranger's first message is a request, not INBOX mail");

        String second = "hello again " + shortId();
        send(bob, "Bob Example", published, second, "<" + shortId() + "@legacy.example>");
        assertEquals(from.getAddress(), ((InternetAddress) only("Requests", second).getFrom()[0]).getAddress(),
                "one relationship, one alias per correspondent");

        String carol = "carol." + shortId() + "@elsewhere.example";
        String third = "from carol " + shortId();
        send(carol, "Carol", published, third, "<" + shortId() + "@elsewhere.example>");
        assertNotEquals(from.getAddress(), ((InternetAddress) only("Requests", third).getFrom()[0]).getAddress(),
                "another correspondent, another alias");
    }

    /**
     * A list that rewrites From for DMARC sends every author's post from its own address: one
     * correspondent, one alias, but each post shows its own author's name. A correspondent the user
     * wrote first, known by address only, is named by their first message that carries a name.
     */
    @Test
    void eachMessageShowsItsOwnAuthorsNameAndAnAddressOnlyCorrespondentTakesTheFirstName() throws Exception {
        String dev = "dev." + shortId() + "@lists.example";
        String erins = "[dev] erin's post " + shortId();
        send(dev, "Erin via dev", published, erins, null);
        String freds = "[dev] fred's post " + shortId();
        send(dev, "Fred via dev", published, freds, null);
        InternetAddress erin = (InternetAddress) only("Requests", erins).getFrom()[0];
        InternetAddress fred = (InternetAddress) only("Requests", freds).getFrom()[0];
        assertEquals("Erin via dev", erin.getPersonal());
        assertEquals("Fred via dev", fred.getPersonal(), "the name this message gives, not the first one stored");
        assertEquals(erin.getAddress(), fred.getAddress(), "one correspondent, one alias");
        String nameless = "[dev] nameless " + shortId();
        sendRaw(dev, published, ascii("From: " + dev + "\r\nTo: " + published + "\r\nSubject: " + nameless
                + "\r\nMessage-ID: <" + shortId() + "@lists.example>\r\n\r\nno name\r\n"));
        assertEquals("Erin via dev", ((InternetAddress) only("Requests", nameless).getFrom()[0]).getPersonal(),
                "without a name of its own, the stored one");

        // alex wrote to kim first: the relationship knows kim by address only, as LegacyOutbound opens it
        String kim = "kim." + shortId() + "@legacy.example";
        String outward = gateway.database().inTransaction(c -> new LegacyCorrespondents(DOMAIN).open(c,
                Login.of("alex"), kim, kim, RelationshipState.ACTIVE, java.util.Optional.empty())
                .outwardAlias().address().toString());
        String reply = "kim answers " + shortId();
        send(kim, "Kim Lee", outward, reply, null);
        assertEquals("Kim Lee", ((InternetAddress) only("INBOX", reply).getFrom()[0]).getPersonal());
        long id = relationshipWith(kim);
        assertEquals("Kim Lee", gateway.database().inTransaction(c -> new LegacyCorrespondents(DOMAIN)
                .ofRelationship(c, id).orElseThrow().relationship().peerName()), "the first name given is kept");
        String later = "kim without a name " + shortId();
        sendRaw(kim, outward, ascii("From: " + kim + "\r\nTo: " + outward + "\r\nSubject: " + later
                + "\r\nMessage-ID: <" + shortId() + "@legacy.example>\r\n\r\nno name\r\n"));
        assertEquals("Kim Lee", ((InternetAddress) only("INBOX", later).getFrom()[0]).getPersonal());
        send(kim, "K. Lee", outward, "renamed? " + shortId(), null);
        assertEquals("Kim Lee", gateway.database().inTransaction(c -> new LegacyCorrespondents(DOMAIN)
                .ofRelationship(c, id).orElseThrow().relationship().peerName()), "a real name is not replaced");
    }

    @Test
    void aRetriedMessageIsFiledOnceAndAnAcceptedCorrespondentReachesTheInbox() throws Exception {
        String dana = "dana." + shortId() + "@legacy.example";
        String subject = "retried " + shortId();
        String messageId = "<" + shortId() + "@legacy.example>";
        MimeMessage retried = message(dana, "Dana", published, subject, messageId);
        Transport.send(retried);
        Transport.send(retried); // the sending server did not see our 250: the same octets again
        assertEquals(1, folder("Requests", subject).size());
        String reused = "another message under the same id " + shortId();
        send(dana, "Dana", published, reused, messageId); // a mailer that reuses ids
        assertEquals(1, folder("Requests", reused).size(), "another message is filed, not taken for the retry");
        assertEquals(1, folder("Requests", subject).size());

        long id = relationshipWith(dana);
        gateway.database().inTransaction(c -> gateway.relay().legacyConsent().accept(c, Login.of("alex"), id));
        String accepted = "after acceptance " + shortId();
        send(dana, "Dana", published, accepted, "<" + shortId() + "@legacy.example>");
        only("INBOX", accepted);
    }

    @Test
    void aForgedInvitationFromAnAcceptedCorrespondentIsDeliveredAsPlainMailAndChangesNothing() throws Exception {
        String hal = "hal." + shortId() + "@legacy.example";
        send(hal, "Hal", published, "first " + shortId(), "<" + shortId() + "@legacy.example>");
        long id = relationshipWith(hal);
        gateway.database().inTransaction(c -> gateway.relay().legacyConsent().accept(c, Login.of("alex"), id));
        for (String forged : List.of("not-a-token", "Y29tbXVuaWNhdG9y".repeat(40), "communicator:invitation/AAAA")) {
            String subject = "with a forged invitation " + shortId();
            MimeMessage m = message(hal, "Hal", published, subject, "<" + shortId() + "@legacy.example>");
            m.setHeader("Communicator-Invite", forged);
            m.saveChanges();
            Transport.send(m);
            MimeMessage delivered = only("INBOX", subject);
            assertEquals(null, delivered.getHeader("Communicator-Invite"), "never shown to the mail client");
        }
        gateway.database().inTransaction(c -> {
            var link = new LegacyCorrespondents(DOMAIN).ofRelationship(c, id).orElseThrow();
            assertTrue(link.correspondent().upgradedAt().isEmpty(), "not upgraded");
            assertEquals(0, link.relationship().protocolState().length(), "no protocol state was stored");
            return null;
        });
    }

    @Test
    void movingARequestToInboxAcceptsItAndCopyingOneToJunkRefusesIt() throws Exception {
        String kim = "kim." + shortId() + "@legacy.example";
        String request = "may I write to you " + shortId();
        send(kim, "Kim", published, request, "<" + shortId() + "@legacy.example>");
        refile(request, "INBOX", true);
        assertEquals(RelationshipState.ACTIVE, stateWith(kim), "moved to INBOX: accepted");
        String next = "thanks for accepting " + shortId();
        send(kim, "Kim", published, next, "<" + shortId() + "@legacy.example>");
        only("INBOX", next);

        String lou = "lou." + shortId() + "@legacy.example";
        String spam = "buy now " + shortId();
        send(lou, "Lou", published, spam, "<" + shortId() + "@legacy.example>");
        refile(spam, "Junk", false); // a client without MOVE copies, then deletes
        assertEquals(RelationshipState.BLOCKED, stateWith(lou), "put in Junk: refused");
        assertEquals(550, refusal(lou, published, "again " + shortId()), "a refused sender is turned away");
    }

    @Test
    void movingARequestElsewhereOrMovingOtherMailChangesNoRelationship() throws Exception {
        String max = "max." + shortId() + "@legacy.example";
        String request = "filed away " + shortId();
        send(max, "Max", published, request, "<" + shortId() + "@legacy.example>");
        refile(request, "Archive", true);
        assertEquals(RelationshipState.REQUESTED, stateWith(max), "Archive answers nothing");

        String nia = "nia." + shortId() + "@legacy.example";
        String asked = "from nia " + shortId();
        send(nia, "Nia", published, asked, "<" + shortId() + "@legacy.example>");
        gateway.database().inTransaction(c -> gateway.relay().legacyConsent().accept(c, Login.of("alex"), relationshipWith(c, nia)));
        String accepted = "nia in the inbox " + shortId();
        send(nia, "Nia", published, accepted, "<" + shortId() + "@legacy.example>");
        refile(accepted, "Junk", true);
        assertEquals(RelationshipState.ACTIVE, stateWith(nia),
                "junking mail of an accepted correspondent is filing, not a block (that is `relationship block`)");
    }

    @Test
    void anExpiredInvitationOrOneAlreadyTakenUpForAnotherCorrespondentChangesNothing() throws Exception {
        String expired = invitation(Duration.ofDays(1));
        String genuine = invitation(Duration.ofDays(7));
        RELAY_CLOCK.advance(Duration.ofDays(2));
        String olga = accepted("olga." + shortId() + "@legacy.example", "Olga");
        String pat = accepted("pat." + shortId() + "@legacy.example", "Pat");

        sendInviting(olga, "Olga", expired);
        assertFalse(upgraded(olga), "an expired invitation is not taken up");
        sendInviting(olga, "Olga", genuine);
        assertTrue(upgraded(olga), "a genuine one is (so the refusals above and below are the invitations' doing)");
        sendInviting(pat, "Pat", genuine);
        assertFalse(upgraded(pat), "the same invitation in another correspondent's mail is a replay");
        gateway.database().inTransaction(c -> {
            assertEquals(0, new LegacyCorrespondents(DOMAIN).ofRelationship(c, relationshipWith(c, pat)).orElseThrow()
                    .relationship().protocolState().length(), "pat's relationship got no protocol state");
            return null;
        });
    }

    /**
     * Taking up an invitation sends the relationship's mail to the inviter's gateway, so a forged
     * From must not carry one: anyone could make a correspondent's mail go to them. Neither an
     * accepted correspondent's nor a pending request's relationship changes on mail whose author's
     * domain does not authenticate it (no records at all; SPF failing under DMARC p=none); the same
     * invitation is taken up from authenticated mail.
     */
    @Test
    void anInvitationInMailWhoseAuthorIsNotAuthenticatedIsIgnored() throws Exception {
        String mallorys = invitation(Duration.ofDays(7));
        // an address of its own, so these new senders do not count against the others' hourly cap
        String to = admin.createAlias(Login.of("alex"), "consent", true).address().toString();
        for (String domain : List.of("unsigned.example", "spoofed.example")) {
            String accepted = accepted("s6." + shortId() + "@" + domain, "S6", to);
            sendInviting(accepted, "S6", mallorys, to, "INBOX");
            assertFalse(upgraded(accepted), "a forged From does not take up an invitation (" + domain + ")");

            String pending = "s7." + shortId() + "@" + domain;
            send(pending, "S7", to, "hello " + shortId(), "<" + shortId() + "@" + domain + ">");
            sendInviting(pending, "S7", mallorys, to, "Requests");
            long id = relationshipWith(pending);
            gateway.database().inTransaction(c -> gateway.relay().legacyConsent().accept(c, Login.of("alex"), id));
            assertFalse(upgraded(pending), "nor one kept for when the user answers a request (" + domain + ")");
            assertEquals(RelationshipState.ACTIVE, stateWith(pending));
            gateway.database().inTransaction(c -> {
                assertEquals(0, new LegacyCorrespondents(DOMAIN).ofRelationship(c, id).orElseThrow()
                        .relationship().protocolState().length(), "no protocol state: nothing was accepted");
                return null;
            });
        }
        String genuine = accepted("s8." + shortId() + "@legacy.example", "S8", to);
        sendInviting(genuine, "S8", mallorys, to, "INBOX");
        assertTrue(upgraded(genuine), "from an authenticated author the same invitation is taken up, so the"
                + " refusals above were the authentication's doing");
    }

    @Test
    void anOfferedInvitationThatExpiredUnansweredIsRenewedForTheNextEmail() throws Exception {
        String quinn = "quinn." + shortId() + "@legacy.example";
        long id = gateway.database().inTransaction(c -> new LegacyCorrespondents(DOMAIN).open(c, Login.of("alex"),
                quinn, "Quinn", RelationshipState.ACTIVE, java.util.Optional.empty()).relationship().id());
        String first = offer(id);
        assertEquals(first, offer(id), "one invitation per relationship while it is valid");
        RELAY_CLOCK.advance(dev.liaison.gateway.relationship.Invitations.DEFAULT_LIFETIME.plusHours(1));
        String renewed = offer(id);
        assertNotEquals(first, renewed, "an expired offer is replaced");
        var now = RELAY_CLOCK.instant();
        assertTrue(InvitationCodec.fromToken(first).expiry().isBefore(now));
        assertTrue(InvitationCodec.fromToken(renewed).expiry().isAfter(now), "the new one is valid for a week again");
        assertEquals(renewed, offer(id));
    }

    @Test
    void brokenMimeIsFiledAsItCameAndStaysReadableOverImap() throws Exception {
        String rex = "rex." + shortId() + "@legacy.example";
        for (String contentType : List.of("multipart/mixed; boundary=\"never-closed\"", "multipart/mixed",
                "message/rfc822", "text/plain; charset=\"no-such-charset\"")) {
            String subject = "broken mime " + shortId();
            String raw = "From: Rex <" + rex + ">\r\nTo: " + published + "\r\nSubject: " + subject
                    + "\r\nMessage-ID: <" + shortId() + "@legacy.example>\r\nMIME-Version: 1.0\r\nContent-Type: "
                    + contentType + "\r\n\r\n--never-closed\r\nContent-Type: text/plain\r\n\r\npart one, never ended\r\n";
            MimeMessage m = new MimeMessage(mx(rex), new java.io.ByteArrayInputStream(raw.getBytes(
                    java.nio.charset.StandardCharsets.US_ASCII)));
            Transport.send(m, new jakarta.mail.Address[] {new InternetAddress(published)});
            try (Store store = imap()) {
                Folder requests = store.getFolder("Requests");
                requests.open(Folder.READ_ONLY);
                Message[] all = requests.getMessages();
                jakarta.mail.FetchProfile profile = new jakarta.mail.FetchProfile();
                profile.add(jakarta.mail.FetchProfile.Item.CONTENT_INFO); // BODYSTRUCTURE
                profile.add(jakarta.mail.FetchProfile.Item.ENVELOPE);
                requests.fetch(all, profile);
                Message filed = java.util.Arrays.stream(all).filter(x -> {
                    try {
                        return subject.equals(x.getSubject());
                    } catch (MessagingException e) {
                        throw new IllegalStateException(e);
                    }
                }).findFirst().orElseThrow(() -> new AssertionError(contentType + ": not filed"));
                java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
                filed.writeTo(body);
                assertTrue(body.toString(java.nio.charset.StandardCharsets.US_ASCII).contains("part one, never ended"),
                        contentType + ": the body is kept as it came");
                requests.close(false);
            }
        }
    }

    /**
     * An HTML newsletter with lines over RFC 5322's 998 octets (a header field of 1,500, a body line
     * of 3,000, one of 120,000 that starts with a dot), sent to the MX with Python's smtplib and
     * read back with imaplib. To the postmaster it is filed as it came: {@code FETCH BODY[]} is the
     * message after the MX's trace fields. To a published address (a request, its {@code From}
     * shown as the sender's alias) {@code BODY[TEXT]} is the body as sent. Nothing is split.
     */
    @Test
    void aNewsletterWithLinesOver998OctetsIsFiledAndFetchedAsItCame() throws Exception {
        String body = "<html><body>" + "<p>An item of news, with a link.</p>".repeat(83) + "</body></html>\r\n"
                + "." + "d.".repeat(60_000) + "\r\nend\r\n";
        String toPostmaster = newsletter("postmaster@" + DOMAIN, body);
        assertTrue(fetchedAfterSending(toPostmaster, "postmaster@" + DOMAIN, "sam", "INBOX", "BODY.PEEK[]")
                .endsWith(toPostmaster), "FETCH BODY[] is the message as it came, after the trace fields");
        assertEquals(body, fetchedAfterSending(newsletter(published, body), published, "alex", "Requests",
                "BODY.PEEK[TEXT]"), "BODY[TEXT] of the request is the body as sent");
    }

    private static String newsletter(String to, String body) {
        return "From: News <news@legacy.example>\r\nTo: " + to + "\r\nSubject: newsletter " + shortId()
                + "\r\nMessage-ID: <" + shortId() + "@legacy.example>\r\n"
                + "List-Unsubscribe: <https://legacy.example/unsubscribe?t=" + "t".repeat(1500) + ">\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: text/html; charset=us-ascii\r\n\r\n" + body;
    }

    /** Sends {@code raw} to the MX with smtplib, then FETCHes {@code section} of it over IMAPS with imaplib. */
    private static String fetchedAfterSending(String raw, String to, String login, String folder, String section)
            throws Exception {
        String subject = raw.substring(raw.indexOf("Subject: ") + 9, raw.indexOf("\r\n", raw.indexOf("Subject: ")));
        Path message = dir.resolve("newsletter-" + shortId() + ".eml");
        Path fetched = dir.resolve("fetched-" + shortId() + ".eml");
        java.nio.file.Files.writeString(message, raw, java.nio.charset.StandardCharsets.US_ASCII);
        Path script = dir.resolve("newsletter-" + shortId() + ".py");
        java.nio.file.Files.writeString(script, """
                import imaplib, smtplib, ssl, sys
                mx, imaps, message, to, login, folder, subject, section, out = sys.argv[1:]
                with smtplib.SMTP('127.0.0.1', int(mx), local_hostname='mx.legacy.example', timeout=30) as s:
                    s.sendmail('news@legacy.example', [to], open(message, 'rb').read())
                imap = imaplib.IMAP4_SSL('127.0.0.1', int(imaps), ssl_context=ssl._create_unverified_context(), timeout=30)
                imap.login(login, login + '-pw')
                imap.select(folder, readonly=True)
                found = imap.search(None, 'SUBJECT', '"' + subject + '"')[1][0].split()
                assert len(found) == 1, found
                data = imap.fetch(found[0], '(' + section + ')')[1]
                open(out, 'wb').write(data[0][1])
                imap.logout()
                """);
        Process python = new ProcessBuilder("python3", script.toString(), String.valueOf(gateway.inboundPort()),
                String.valueOf(gateway.imapsPort()), message.toString(), to, login, folder, subject, section,
                fetched.toString()).redirectErrorStream(true).start();
        assertTrue(python.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "python3 did not finish in 60 s");
        String output = new String(python.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, python.exitValue(), output);
        return java.nio.file.Files.readString(fetched, java.nio.charset.StandardCharsets.US_ASCII);
    }

    /**
     * Mail as Gmail sends it to a server that offers SMTPUTF8 (RFC 6531/6532): a raw UTF-8 subject and
     * display name, a UTF-8 envelope sender, sent with Python's smtplib. It is a request in Requests,
     * the correspondent named as written; over IMAP (imaplib) SEARCH CHARSET UTF-8 SUBJECT finds it,
     * ENVELOPE gives the subject as its UTF-8 octets in a literal (a quoted string is 7-bit), and the
     * rewritten From and X-Original-From carry the name as RFC 2047 encoded-words.
     */
    @Test
    void aUtf8MessageIsARequestReadOverImapWithItsNamesAndSubjectAsWritten() throws Exception {
        String id = shortId();
        String zoe = "zoe." + id + "@legacy.example";
        String subject = "Grüße aus Köln ☕ " + id;
        String raw = "From: Zoë Grünwald <" + zoe + ">\r\nTo: " + published + "\r\nSubject: " + subject
                + "\r\nMessage-ID: <" + id + "@legacy.example>\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nHallo, schöne Grüße\r\n";
        String reply = utf8Session("zoë." + id + "@legacy.example", raw, subject);
        assertTrue(reply.startsWith("sent"), reply);
        String fetched = reply.substring(reply.indexOf('\n') + 1);
        byte[] subjectOctets = subject.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        // imaplib hands a literal's octets over without the CRLF after its {n}
        assertTrue(fetched.contains("(ENVELOPE (NIL {" + subjectOctets.length + "}" + subject + " ((\""),
                "ENVELOPE's subject is a literal of its UTF-8 octets: " + fetched);
        assertTrue(fetched.toUpperCase(java.util.Locale.ROOT)
                .contains("BODYSTRUCTURE (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"UTF-8\") NIL NIL \"8BIT\""), fetched);
        jakarta.mail.internet.InternetHeaders header = new jakarta.mail.internet.InternetHeaders(
                new java.io.ByteArrayInputStream(fetched.substring(fetched.indexOf("Received: "))
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertTrue(fetched.contains("\r\nSubject: " + subject + "\r\n"), "BODY[HEADER] has the UTF-8 subject as sent");
        InternetAddress shownFrom = new InternetAddress(header.getHeader("From")[0]);
        assertEquals("Zoë Grünwald", shownFrom.getPersonal(), "the correspondent's alias carries the name as written");
        assertTrue(shownFrom.getAddress().endsWith("@" + DOMAIN), shownFrom.toString());
        assertEquals("Zoë Grünwald <" + zoe + ">", jakarta.mail.internet.MimeUtility.decodeText(
                header.getHeader("X-Original-From")[0]));
        assertTrue(header.getHeader("X-Original-From")[0].chars().allMatch(c -> c < 0x80),
                "the fields the gateway writes are ASCII (encoded-words)");
        String name = gateway.database().inTransaction(c -> {
            long owner = new dev.liaison.mapping.user.PostgresUserStore().find(c, Login.of("alex")).orElseThrow().id();
            return new LegacyCorrespondents(DOMAIN).find(c, owner, zoe).orElseThrow().relationship().peerName();
        });
        assertEquals("Zoë Grünwald", name, "the request names the correspondent as they wrote it");
    }

    /**
     * A correspondent whose own address has a UTF-8 local part (RFC 6531) could never be answered:
     * the user's replies leave as plain email without SMTPUTF8. The sending server is told so at the
     * end of DATA (550 5.6.7, a bounce its user reads); nothing is filed, no relationship is opened.
     */
    @Test
    void aUtf8AuthorAddressIsRefusedWithAReplyThatSaysWhy() throws Exception {
        String id = shortId();
        String joerg = "jörg." + id + "@legacy.example";
        String subject = "von Jörg " + id;
        String raw = "From: Jörg <" + joerg + ">\r\nTo: " + published + "\r\nSubject: " + subject
                + "\r\nMessage-ID: <" + id + "@legacy.example>\r\n\r\nHallo\r\n";
        String reply = utf8Session(joerg, raw, subject);
        assertTrue(reply.startsWith("refused 550 b'5.6.7 ") && reply.contains("not ASCII"), reply);
        assertEquals(0, folder("Requests", subject).size() + folder("INBOX", subject).size());
        boolean none = gateway.database().inTransaction(c -> {
            long owner = new dev.liaison.mapping.user.PostgresUserStore().find(c, Login.of("alex")).orElseThrow().id();
            return new LegacyCorrespondents(DOMAIN).find(c, owner, joerg).isEmpty();
        });
        assertTrue(none, "no relationship was opened");
    }

    /**
     * Sends {@code raw} (UTF-8) to the published address with smtplib, {@code MAIL FROM:<envelopeFrom>
     * SMTPUTF8 BODY=8BITMIME}; then, if it was taken, finds it with imaplib in Requests by SEARCH CHARSET
     * UTF-8 SUBJECT and FETCHes ENVELOPE, BODYSTRUCTURE and BODY[HEADER]. Returns {@code sent} and the
     * FETCH response's octets as UTF-8, or {@code refused <code> <text>}.
     */
    private static String utf8Session(String envelopeFrom, String raw, String subject) throws Exception {
        Path message = dir.resolve("utf8-" + shortId() + ".eml");
        java.nio.file.Files.write(message, raw.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Path script = dir.resolve("utf8-" + shortId() + ".py");
        java.nio.file.Files.writeString(script, """
                import imaplib, smtplib, ssl, sys
                mx, imaps, message, sender, to, subject = sys.argv[1:]
                with smtplib.SMTP('127.0.0.1', int(mx), local_hostname='mx.legacy.example', timeout=30) as s:
                    s.ehlo()
                    assert s.has_extn('smtputf8'), s.esmtp_features
                    try:
                        s.sendmail(sender, [to], open(message, 'rb').read(), mail_options=['SMTPUTF8', 'BODY=8BITMIME'])
                    except smtplib.SMTPDataError as e:
                        print('refused', e.smtp_code, e.smtp_error)
                        sys.exit(0)
                imap = imaplib.IMAP4_SSL('127.0.0.1', int(imaps), ssl_context=ssl._create_unverified_context(), timeout=30)
                imap.login('alex', 'alex-pw')
                imap.select('Requests', readonly=True)
                imap.literal = subject.encode('utf-8')
                typ, found = imap.search('UTF-8', 'SUBJECT')
                assert typ == 'OK' and len(found[0].split()) == 1, found
                typ, data = imap.fetch(found[0].split()[0], '(ENVELOPE BODYSTRUCTURE BODY.PEEK[HEADER])')
                assert typ == 'OK', data
                out = b''.join(b''.join(part) if isinstance(part, tuple) else part for part in data)
                sys.stdout.buffer.write(b'sent\\n' + out)
                imap.logout()
                """);
        Process python = new ProcessBuilder("python3", script.toString(), String.valueOf(gateway.inboundPort()),
                String.valueOf(gateway.imapsPort()), message.toString(), envelopeFrom, published, subject)
                .redirectErrorStream(true).start();
        String output = new String(python.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(python.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "python3 did not finish in 60 s");
        assertEquals(0, python.exitValue(), output);
        return output;
    }

    @Test
    void aBlockedCorrespondentIsRefusedAtTheEnvelope() throws Exception {
        String eve = "eve." + shortId() + "@legacy.example";
        send(eve, "Eve", published, "first " + shortId(), "<" + shortId() + "@legacy.example>");
        long id = relationshipWith(eve);
        gateway.database().inTransaction(c -> gateway.relay().control().block(c, Login.of("alex"), id));
        String refused = "after the block " + shortId();
        assertEquals(550, refusal(eve, published, refused));
        assertEquals(0, folder("Requests", refused).size() + folder("INBOX", refused).size());
    }

    /**
     * A list relays a post by an author alex blocked with the list's own envelope sender: filed in
     * Junk, not refused, since a refusal counts as a bounce of alex's subscription; the author's own
     * server (envelope sender the author's address) is still refused.
     */
    @Test
    void aBlockedAuthorsPostThroughAListGoesToJunkWhileTheAuthorsOwnMailIsRefused() throws Exception {
        String to = admin.createAlias(Login.of("alex"), "lists" + shortId(), true).address().toString();
        String dave = "dave." + shortId() + "@legacy.example";
        send(dave, "Dave", to, "first " + shortId(), "<" + shortId() + "@legacy.example>");
        long id = relationshipWith(dave);
        gateway.database().inTransaction(c -> gateway.relay().control().block(c, Login.of("alex"), id));

        String post = "[users] dave's post " + shortId();
        MimeMessage viaList = message(dave, "Dave", to, post, "<" + shortId() + "@legacy.example>");
        viaList.setHeader("List-Id", "Users <users.list2.example>");
        viaList.setHeader("Sender", "users-bounces@list2.example");
        viaList.saveChanges();
        sendRaw("users-bounces+alex=" + DOMAIN + "@list2.example", to, viaList);
        MimeMessage junked = only("Junk", post);
        assertTrue(junked.getHeader("X-Liaison-Warning")[0].contains("You blocked the author"));
        assertTrue(((InternetAddress) junked.getFrom()[0]).getAddress().endsWith("@" + DOMAIN),
                "shown from dave's local alias, whose relationship refuses a reply");
        assertEquals(0, folder("Requests", post).size() + folder("INBOX", post).size());
        assertEquals(RelationshipState.BLOCKED, stateWith(dave), "the block stays");

        String direct = "dave himself " + shortId();
        assertEquals(550, refusal(dave, to, direct));
        assertEquals(0, folder("Junk", direct).size());
    }

    /** Unblocking undoes the block: a stranger's request blocked unanswered is a request again, not accepted. */
    @Test
    void anUnblockedRequestIsARequestAgain() throws Exception {
        String to = admin.createAlias(Login.of("alex"), "unblocked", true).address().toString();
        String vic = "vic." + shortId() + "@legacy.example";
        send(vic, "Vic", to, "first " + shortId(), "<" + shortId() + "@legacy.example>");
        long id = relationshipWith(vic);
        gateway.database().inTransaction(c -> gateway.relay().control().block(c, Login.of("alex"), id));
        assertEquals(RelationshipState.BLOCKED, stateWith(vic));
        gateway.database().inTransaction(c -> gateway.relay().control().unblock(c, Login.of("alex"), id));
        assertEquals(RelationshipState.REQUESTED, stateWith(vic), "what it was before the block");
        String next = "after the unblock " + shortId();
        send(vic, "Vic", to, next, "<" + shortId() + "@legacy.example>");
        only("Requests", next);
        assertEquals(0, folder("INBOX", next).size(), "the user has still not accepted vic");
    }

    /**
     * A disabled user may not log in or send, but keeps receiving, as through the relay: a stranger's
     * and a correspondent's mail are accepted and filed, not refused, and are all there once the user
     * is enabled again.
     */
    @Test
    void aDisabledUsersMailIsFiledAndWaitsForThemToBeEnabled() throws Exception {
        admin.addUser(Login.of("dale"), "Dale", "dale-pw".toCharArray());
        String dalesPublished = admin.createAlias(Login.of("dale"), "dale", true).address().toString();
        String ivy = "ivy." + shortId() + "@legacy.example";
        String outward = gateway.database().inTransaction(c -> new LegacyCorrespondents(DOMAIN).open(c,
                Login.of("dale"), ivy, "Ivy", RelationshipState.ACTIVE, java.util.Optional.empty())
                .outwardAlias().address().toString());
        admin.changeUserState(Login.of("dale"), dev.liaison.mapping.user.UserState.DISABLED);

        String request = "to a disabled user's published address " + shortId();
        send("jo." + shortId() + "@legacy.example", "Jo", dalesPublished, request, "<" + shortId() + "@legacy.example>");
        String reply = "to a disabled user's correspondent address " + shortId();
        send(ivy, "Ivy", outward, reply, "<" + shortId() + "@legacy.example>");

        admin.changeUserState(Login.of("dale"), dev.liaison.mapping.user.UserState.ACTIVE);
        try (Store store = imap("dale", "dale-pw")) {
            assertEquals(List.of(request), subjects(store, "Requests"));
            assertEquals(List.of(reply), subjects(store, "INBOX"));
        }
    }

    private static List<String> subjects(Store store, String folder) throws Exception {
        Folder f = store.getFolder(folder);
        f.open(Folder.READ_ONLY);
        List<String> subjects = new ArrayList<>();
        for (Message m : f.getMessages()) {
            subjects.add(m.getSubject());
        }
        f.close(false);
        return subjects;
    }

    @Test
    void onlyPublishedAndCorrespondentAddressesTakePlainEmail() throws Exception {
        String stranger = "frank." + shortId() + "@legacy.example";
        assertEquals(550, refusal(stranger, "nobody.aaaaaaaaaa@" + DOMAIN, "to nobody"), "unknown address");
        assertEquals(550, refusal(stranger, privateAlias, "to a private alias"), "a private alias is not published");
        assertEquals(550, refusal(stranger, "someone@other.example", "relay attempt"), "never a relay");
    }

    /**
     * A published address its administrator disabled answers {@code 550 5.2.1} (RFC 3463: mailbox
     * disabled), so the sender learns it is off, not mistyped; a disabled private alias and a
     * removed published one still answer {@code 5.1.1}, as an unknown address: nothing more is
     * told about addresses that were never public or are gone for good.
     */
    @Test
    void aDisabledPublishedAddressSaysItIsDisabledAndNothingMore() throws Exception {
        String off = admin.createAlias(Login.of("alex"), "off", true).address().toString();
        String gone = admin.createAlias(Login.of("alex"), "gone", true).address().toString();
        String quiet = admin.createAlias(Login.of("alex"), "quiet").address().toString();
        admin.changeAliasState(dev.liaison.mapping.alias.AliasAddress.parse(off), dev.liaison.mapping.alias.AliasState.DISABLED);
        admin.changeAliasState(dev.liaison.mapping.alias.AliasAddress.parse(gone), dev.liaison.mapping.alias.AliasState.REMOVED);
        admin.changeAliasState(dev.liaison.mapping.alias.AliasAddress.parse(quiet), dev.liaison.mapping.alias.AliasState.DISABLED);
        String stranger = "lee." + shortId() + "@legacy.example";
        String before = scrape();
        String disabled = refusalText(stranger, off);
        assertTrue(disabled.startsWith("550 5.2.1 <" + off + ">: this address is disabled"), disabled);
        assertEquals(1, sample(scrape(), "liaison_mx_recipients_refused_total{reason=\"disabled\"")
                - sample(before, "liaison_mx_recipients_refused_total{reason=\"disabled\""));
        for (String unknown : List.of(gone, quiet, "nobody.cccccccccc@" + DOMAIN)) {
            String reply = refusalText(stranger, unknown);
            assertTrue(reply.startsWith("550 5.1.1 <" + unknown + ">: no such address here"), reply);
        }
    }

    /** The RCPT reply the MX refused {@code to} with, as the sending server reads it. */
    private static String refusalText(String from, String to) throws Exception {
        MimeMessage message = message(from, from, to, "to " + to, null);
        SendFailedException e = assertThrows(SendFailedException.class, () -> Transport.send(message));
        for (Exception next = e; next != null; next = next instanceof MessagingException me ? me.getNextException() : null) {
            if (next instanceof SMTPAddressFailedException a) {
                return a.getMessage().strip();
            }
        }
        throw new AssertionError("no RCPT refusal in " + e);
    }

    /** The public MX is counted on /metrics: sessions, accepted messages with their DMARC verdict, refused RCPTs. */
    @Test
    void theMxReportsItsSessionsMessagesAndRefusalsAsMetrics() throws Exception {
        String before = scrape();
        String stranger = "kim." + shortId() + "@legacy.example";
        send(stranger, "Kim", published, "counted " + shortId(), "<" + shortId() + "@legacy.example>");
        assertEquals(550, refusal(stranger, "nobody.bbbbbbbbbb@" + DOMAIN, "to nobody"));
        String after = scrape();
        assertEquals(1, sample(after, "liaison_mx_messages_total{outcome=\"accepted\"")
                - sample(before, "liaison_mx_messages_total{outcome=\"accepted\""));
        assertEquals(1, sample(after, "liaison_mx_recipients_refused_total{reason=\"unknown\"")
                - sample(before, "liaison_mx_recipients_refused_total{reason=\"unknown\""));
        assertTrue(sample(after, "liaison_mx_sessions_total") - sample(before, "liaison_mx_sessions_total") >= 2);
        assertEquals(1, sample(after, "liaison_mx_dmarc_total{result=\"none\"")
                - sample(before, "liaison_mx_dmarc_total{result=\"none\""), "no DMARC record in the test's DNS");
        assertTrue(sample(after, "liaison_mx_commit_seconds_count") > sample(before, "liaison_mx_commit_seconds_count"));
    }

    private static String scrape() throws Exception {
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                .sslContext(dev.liaison.gateway.tls.TrustingClients.trusting(gateway.tls().certificate())).build();
        return client.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("https://localhost:" + gateway.httpPort() + "/metrics"))
                .timeout(java.time.Duration.ofSeconds(20)).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The value of the one sample whose line starts with {@code prefix}; 0 when there is none. */
    private static double sample(String scrape, String prefix) {
        for (String line : scrape.split("\n")) {
            if (line.startsWith(prefix) && line.length() > prefix.length() && " },".indexOf(line.charAt(prefix.length())) >= 0) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    @Test
    void aCorrespondentsOutwardAddressTakesTheirMailAndNobodyElses() throws Exception {
        String gina = "gina." + shortId() + "@legacy.example";
        // alex wrote to gina first (as LegacyConversationTest does through a smarthost): an outward alias for her
        String outward = gateway.database().inTransaction(c -> new LegacyCorrespondents(DOMAIN).open(c,
                Login.of("alex"), gina, "Gina", RelationshipState.ACTIVE, java.util.Optional.empty())
                .outwardAlias().address().toString());
        String reply = "gina writes to her own address of alex " + shortId();
        send(gina, "Gina", outward, reply, "<" + shortId() + "@legacy.example>");
        only("INBOX", reply);
        assertEquals(550, refusal("mallory." + shortId() + "@legacy.example", outward, "not gina"),
                "an outward address belongs to one correspondent");
    }

    @Test
    void aMailServersBounceReachesTheInboxThroughEitherAddressAndOpensNoRelationship() throws Exception {
        String hugo = "hugo." + shortId() + "@legacy.example";
        String outward = gateway.database().inTransaction(c -> new LegacyCorrespondents(DOMAIN).open(c,
                Login.of("alex"), hugo, "Hugo", RelationshipState.ACTIVE, java.util.Optional.empty())
                .outwardAlias().address().toString());
        String daemon = "mailer-daemon@mx." + shortId() + ".example";
        // alex sent the message the reports return (LegacyConversationTest sends it through a smarthost)
        gateway.database().inTransaction(c -> {
            new LegacyCorrespondents(DOMAIN).sent(c, new dev.liaison.mapping.user.PostgresUserStore()
                    .find(c, Login.of("alex")).orElseThrow().id(), SENT_BY_ALEX);
            return null;
        });
        for (String to : List.of(outward, published)) {
            String subject = "Undelivered Mail Returned to Sender " + shortId();
            MimeMessage bounce = bounce(daemon, to, subject, true);
            Transport.send(bounce);
            Transport.send(bounce); // the reporting server did not see our 250
            MimeMessage filed = only("INBOX", subject);
            assertEquals(daemon, ((InternetAddress) filed.getFrom()[0]).getAddress(), "as it came");
            assertEquals(null, filed.getHeader("X-Liaison-Warning"), "fields only the gateway writes are dropped");
            assertTrue(filed.getContentType().startsWith("multipart/report"), filed.getContentType());
            assertEquals(0, folder("Requests", subject).size());
        }
        assertTrue(gateway.database().inTransaction(c -> new LegacyCorrespondents(DOMAIN).find(c,
                new dev.liaison.mapping.user.PostgresUserStore().find(c, Login.of("alex")).orElseThrow().id(), daemon))
                .isEmpty(), "a report is no correspondent's first message");
        String notAReport = "not a report " + shortId();
        Transport.send(bounce(daemon, outward, notAReport, false));
        assertTrue(only("Junk", notAReport).getHeader("X-Liaison-Warning")[0].contains("names none of the messages"),
                "a null sender's mail naming none of alex's messages is filed as suspicious, not refused");

        String dressed = "Your parcel " + shortId(); // a report naming none of alex's messages
        Transport.send(bounce(daemon, published, dressed, true, false));
        MimeMessage suspicious = only("Junk", dressed);
        assertTrue(suspicious.getHeader("X-Liaison-Warning")[0].contains("names none of your messages"));
        assertEquals(0, folder("INBOX", dressed).size());

        // what the user refused stays refused: the block holds for reports too
        String eve = "eve." + shortId() + "@legacy.example";
        send(eve, "Eve", published, "first " + shortId(), "<" + shortId() + "@legacy.example>");
        long blocked = relationshipWith(eve);
        gateway.database().inTransaction(c -> gateway.relay().control().block(c, Login.of("alex"), blocked));
        assertEquals(550, refusal(bounce(eve, published, "eve dressed as a report " + shortId(), true)));
        long withHugo = relationshipWith(hugo);
        gateway.database().inTransaction(c -> gateway.relay().control().block(c, Login.of("alex"), withHugo));
        assertEquals(550, refusal(bounce(daemon, outward, "through a blocked relationship " + shortId(), true)));
    }

    /**
     * A bounce that is not RFC 3464 (qmail's plain text, quoting the message) and a vacation reply
     * come from addresses alex never wrote to, with a null reverse path or {@code Auto-Submitted}:
     * filed as they came, to INBOX when they name a message alex sent, else to Junk with a warning;
     * refused only through a blocked relationship's address.
     */
    @Test
    void plainTextBouncesAndAutoRepliesFromOtherAddressesAreFiledNotRefused() throws Exception {
        String lmn = "lmn." + shortId() + "@remote.example";
        String outward = gateway.database().inTransaction(c -> new LegacyCorrespondents(DOMAIN).open(c,
                Login.of("alex"), lmn, "Lmn", RelationshipState.ACTIVE, java.util.Optional.empty())
                .outwardAlias().address().toString());
        String sentId = sentByAlex();
        String daemon = "MAILER-DAEMON@remote.example";
        String failure = "failure notice " + shortId();
        sendRaw("<>", outward, ascii("From: " + daemon + "\r\nTo: " + outward + "\r\nSubject: " + failure
                + "\r\nMessage-ID: <" + shortId() + "@remote.example>\r\n\r\n"
                + "Hi. This is the qmail-send program at remote.example.\r\nI'm afraid I wasn't able to deliver your"
                + " message to the following addresses.\r\n\r\n<" + lmn + ">:\r\nSorry, no mailbox here by that name.\r\n\r\n"
                + "--- Below this line is a copy of the message.\r\n\r\nFrom: Alex <" + outward + ">\r\nTo: " + lmn
                + "\r\nMessage-ID: <" + sentId + ">\r\nSubject: hello\r\n\r\nhello\r\n"));
        MimeMessage bounced = only("INBOX", failure);
        assertEquals(daemon, ((InternetAddress) bounced.getFrom()[0]).getAddress(), "as it came");
        assertEquals(null, bounced.getHeader("X-Liaison-Warning"));

        String away = "Out of office " + shortId();
        sendRaw("<>", outward, autoReply("noreply@kim.example", outward, away, "<" + sentId + ">", ""));
        assertEquals(null, only("INBOX", away).getHeader("X-Liaison-Warning"), "it answers alex's message");
        String awayToo = "Out of office too " + shortId();
        sendRaw("noreply@kim.example", published, autoReply("noreply@kim.example", published, awayToo,
                "<" + sentId + ">", ""));
        only("INBOX", awayToo);
        assertEquals(0, folder("Requests", awayToo).size());

        String unrelated = "Out of office, unrelated " + shortId();
        sendRaw("noreply@kim.example", outward, autoReply("noreply@kim.example", outward, unrelated,
                "<" + shortId() + "@kim.example>", ""));
        assertTrue(only("Junk", unrelated).getHeader("X-Liaison-Warning")[0].contains("names none of the messages"));
        String notification = "Issue #12 was updated " + shortId(); // a service alex gave the published address
        sendRaw("bounces@tracker.example", published, ascii("From: Tracker <notifications@tracker.example>\r\nTo: "
                + published + "\r\nSubject: " + notification + "\r\nMessage-ID: <" + shortId() + "@tracker.example>"
                + "\r\nAuto-Submitted: auto-generated\r\n\r\nA comment was added.\r\n"));
        only("Requests", notification);
        String deep = "Quoted too deep " + shortId();
        sendRaw("<>", outward, autoReply("noreply@kim.example", outward, deep, "<" + shortId() + "@kim.example>",
                "x".repeat(70 * 1024) + "\r\nMessage-ID: <" + sentId + ">\r\n"));
        only("Junk", deep);
        long owner = gateway.database().inTransaction(c ->
                new dev.liaison.mapping.user.PostgresUserStore().find(c, Login.of("alex")).orElseThrow().id());
        for (String address : List.of(daemon.toLowerCase(java.util.Locale.ROOT), "noreply@kim.example")) {
            assertTrue(gateway.database().inTransaction(c -> new LegacyCorrespondents(DOMAIN).find(c, owner, address))
                    .isEmpty(), "no relationship opened for " + address);
        }

        long withLmn = relationshipWith(lmn);
        gateway.database().inTransaction(c -> gateway.relay().control().block(c, Login.of("alex"), withLmn));
        assertEquals(550, refusal(new MimeMessage(mx("<>"), new java.io.ByteArrayInputStream(autoReply(
                "noreply@kim.example", outward, "through a blocked relationship " + shortId(), "<" + sentId + ">", "")))));
    }

    /** A plain email alex sent: its neutral Message-ID, remembered as sent now. */
    private static String sentByAlex() throws Exception {
        String alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        java.security.SecureRandom random = new java.security.SecureRandom();
        StringBuilder hash = new StringBuilder();
        while (hash.length() < 26) {
            hash.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        String id = hash + "@liaison.invalid";
        gateway.database().inTransaction(c -> {
            new LegacyCorrespondents(DOMAIN).sent(c, new dev.liaison.mapping.user.PostgresUserStore()
                    .find(c, Login.of("alex")).orElseThrow().id(), id);
            return null;
        });
        return id;
    }

    /** A vacation responder's answer (RFC 3834) to {@code inReplyTo}, with {@code quoted} after its text. */
    private static byte[] autoReply(String from, String to, String subject, String inReplyTo, String quoted) {
        return ascii("From: \"Kim's Autoresponder\" <" + from + ">\r\nTo: " + to + "\r\nSubject: " + subject
                + "\r\nMessage-ID: <" + shortId() + "@kim.example>\r\nIn-Reply-To: " + inReplyTo
                + "\r\nAuto-Submitted: auto-replied\r\n\r\nI am away until Monday.\r\n" + quoted);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    @Test
    void theSameAlertWithoutMessageIdOrDateSentTwiceIsFiledTwice() throws Exception {
        String ups = "ups." + shortId() + "@legacy.example";
        send(ups, "UPS", published, "first " + shortId(), "<" + shortId() + "@legacy.example>"); // a known sender
        String subject = "on battery " + shortId();
        String alert = "From: " + ups + "\r\nTo: " + published + "\r\nSubject: " + subject + "\r\n\r\nPower lost.\r\n";
        for (int i = 0; i < 2; i++) {
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", gateway.inboundPort());
                 var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                         java.nio.charset.StandardCharsets.US_ASCII));
                 var out = socket.getOutputStream()) {
                java.util.function.Function<String, String> say = line -> {
                    try {
                        out.write((line + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                        out.flush();
                        String reply;
                        while ((reply = in.readLine()) != null && reply.length() > 3 && reply.charAt(3) == '-') {
                            // a multi-line reply
                        }
                        return reply;
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                };
                in.readLine(); // greeting
                say.apply("EHLO ups.legacy.example");
                say.apply("MAIL FROM:<" + ups + ">");
                say.apply("RCPT TO:<" + published + ">");
                say.apply("DATA");
                assertTrue(say.apply(alert + ".").startsWith("250"), "accepted");
                say.apply("QUIT");
            }
        }
        assertEquals(2, folder("Requests", subject).size(),
                "two alerts, the same octets: without an id they are two messages, not one and its retry");
    }

    @Test
    void aStrangerIsAnsweredFromThePublishedAddressTheyWroteTo() throws Exception {
        String ivy = "ivy." + shortId() + "@legacy.example";
        send(ivy, "Ivy", published, "hello " + shortId(), "<" + shortId() + "@legacy.example>");
        long id = relationshipWith(ivy);
        String from = gateway.database().inTransaction(c ->
                new LegacyCorrespondents(DOMAIN).ofRelationship(c, id).orElseThrow().outwardAlias().address().toString());
        assertEquals(published, from, "the stranger knows that address; no new one is handed out");
    }

    @Test
    void theAdministratorIsToldWhenMailToThePostmasterWouldBeRefused() {
        // only the postmaster setting and the user table matter here: the other parts are never asked
        java.util.function.Function<Optional<Login>, Optional<String>> problem = postmaster -> new LegacyInbound(
                gateway.database(), null, null, null, DOMAIN, postmaster, java.time.Clock.systemUTC()).postmasterProblem();
        assertEquals(Optional.empty(), problem.apply(Optional.of(Login.of("sam"))), "sam is an active user");
        String unset = problem.apply(Optional.empty()).orElseThrow();
        assertTrue(unset.startsWith("postmaster is not set") && unset.contains("postmaster@" + DOMAIN), unset);
        String missing = problem.apply(Optional.of(Login.of("nobody"))).orElseThrow();
        assertTrue(missing.contains("nobody") && missing.contains("liaison user add nobody"), missing);
    }

    @Test
    void mailToThePostmasterReachesTheConfiguredUserAsItCameAndOpensNoRelationship() throws Exception {
        String stranger = "reporter." + shortId() + "@legacy.example";
        String subject = "abuse report " + shortId();
        send(stranger, "Reporter", "Postmaster@" + DOMAIN.toUpperCase(java.util.Locale.ROOT), subject, null);
        MimeMessage received = null;
        try (Store store = imap("sam", "sam-pw")) {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            for (Message m : inbox.getMessages()) {
                if (subject.equals(m.getSubject())) {
                    received = new MimeMessage((MimeMessage) m);
                }
            }
            inbox.close(false);
        }
        assertTrue(received != null, "in the postmaster's INBOX");
        assertEquals(stranger, ((InternetAddress) received.getFrom()[0]).getAddress(), "the sender as it wrote");
        assertTrue(received.getHeader("Authentication-Results") != null, "with the MX's verdict");
        long sam = gateway.database().inTransaction(c ->
                new dev.liaison.mapping.user.PostgresUserStore().find(c, Login.of("sam")).orElseThrow().id());
        assertTrue(gateway.database().inTransaction(c -> new LegacyCorrespondents(DOMAIN).find(c, sam, stranger)).isEmpty(),
                "an administrator's mailbox opens no relationship");
    }

    @Test
    void aUserCannotAcceptTheirOwnInvitationAndItStaysOpenForOthers() throws Exception {
        String token = invitation(Duration.ofDays(7)); // sam's
        var own = assertThrows(dev.liaison.gateway.invitation.OwnInvitationException.class, () -> gateway.database()
                .inTransaction(c -> gateway.relay().invitations().accept(c, Login.of("sam"), "Sam", token)));
        assertTrue(own.getMessage().contains("sam's own invitation"), own.getMessage());
        long remembered = gateway.database().inTransaction(c -> { // as accept@ does: the refusal commits a notice
            long before = acceptedInvitations(c);
            assertThrows(dev.liaison.gateway.invitation.OwnInvitationException.class,
                    () -> gateway.relay().invitations().accept(c, Login.of("sam"), "Sam", token));
            return acceptedInvitations(c) - before;
        });
        assertEquals(0, remembered, "a refused own invitation is not remembered as used");
        long accepted = gateway.database().inTransaction(c ->
                gateway.relay().invitations().accept(c, Login.of("alex"), "Alex", token)).relationshipId();
        assertTrue(accepted > 0, "nothing of sam's attempt was kept: the invitation is still unused");
    }

    @Test
    void newStrangersPerPublishedAddressAreRateLimited() throws Exception {
        String limited = admin.createAlias(Login.of("alex"), "popular", true).address().toString();
        String carol = accepted("carol." + shortId() + "@carol.example", "Carol", limited); // a new sender too
        String known = null;
        for (int i = 1; i < LegacyInbound.NEW_SENDERS_PER_HOUR; i++) {
            String stranger = "s" + i + "." + shortId() + "@legacy.example";
            send(stranger, "S" + i, limited, "stranger " + i, null);
            known = known == null ? stranger : known;
        }
        assertEquals(450, refusal("one.more." + shortId() + "@legacy.example", limited, "one too many"),
                "the next new sender waits; the sending server retries later");
        String fresh = "fresh." + shortId() + "@another.example";
        MimeMessage disguised = message(known, "Fresh", limited, "a new From behind a known envelope", null);
        disguised.setFrom(new InternetAddress(fresh, "Fresh"));
        disguised.saveChanges();
        assertEquals(450, refusal(disguised), "the From decides, whatever the envelope sender");
        long owner = gateway.database().inTransaction(c ->
                new dev.liaison.mapping.user.PostgresUserStore().find(c, Login.of("alex")).orElseThrow().id());
        assertTrue(gateway.database().inTransaction(c -> new LegacyCorrespondents(DOMAIN).find(c, owner, fresh)).isEmpty(),
                "no request was opened for it");

        // a list sends every author's post with its own bounce address: known authors are not held back
        String list = "users-bounces+alex=" + DOMAIN + "@list3.example";
        String carolsPost = "[users] carol's post " + shortId();
        sendRaw(list, limited, message(carol, "Carol", limited, carolsPost, null));
        only("INBOX", carolsPost);
        String requestersPost = "[users] a requester's post " + shortId();
        sendRaw(list, limited, message(known, "S1", limited, requestersPost, null));
        only("Requests", requestersPost);
        MimeMessage strangersPost = message("new." + shortId() + "@legacy.example", "New", limited,
                "[users] a new author's post " + shortId(), null);
        SMTPSendFailedException deferred = assertThrows(SMTPSendFailedException.class,
                () -> sendRaw(list, limited, strangersPost));
        assertEquals(450, deferred.getReturnCode(), "a new author still waits, told at the end of DATA");
        assertTrue(deferred.getMessage().contains("4.2.1"), deferred.getMessage());
    }

    @Test
    void withoutASmarthostOrDirectMxAPlainAddressIsRefusedSayingSo() throws Exception {
        Session session = GatewayClients.submission(gateway);
        MimeMessage m = new MimeMessage(session);
        m.setFrom("alex@" + DOMAIN);
        m.setRecipients(Message.RecipientType.TO, "bob@legacy.example");
        m.setSubject("never leaves");
        m.setText("a fresh install is never a relay\r\n");
        m.saveChanges();
        SendFailedException e = assertThrows(SendFailedException.class, () -> {
            try (Transport t = session.getTransport("smtp")) {
                t.connect("alex", "alex-pw");
                t.sendMessage(m, m.getAllRecipients());
            }
        });
        SMTPAddressFailedException refused = (SMTPAddressFailedException) e.getNextException();
        assertEquals(550, refused.getReturnCode());
        assertTrue(refused.getMessage().contains("5.7.1") && refused.getMessage().contains("legacy email is not configured"),
                refused.getMessage());
    }

    /**
     * Accepting a request by moving one of its messages to INBOX is accepting the correspondent:
     * their other messages still in Requests move to INBOX in the same transaction, as real IMAP
     * moves (new UIDs and MODSEQs there, flags kept), and sessions with Requests selected see them
     * leave: EXPUNGE while idling, VANISHED under QRESYNC. Another correspondent's request, the same
     * sender's request to another user, and a message the user filed in Archive stay where they are.
     */
    @Test
    void acceptingARequestByMovingOneToInboxBringsTheCorrespondentsOtherRequestsAlong() throws Exception {
        String to = ownPublished(); // its own: the tests' strangers would meet the limit of new senders an hour
        String pat = "pat." + shortId() + "@legacy.example";
        List<String> asked = List.of("pat one " + shortId(), "pat two " + shortId(), "pat three " + shortId());
        for (String subject : asked) {
            send(pat, "Pat", to, subject, "<" + shortId() + "@legacy.example>");
        }
        String archived = "pat filed away " + shortId();
        send(pat, "Pat", to, archived, "<" + shortId() + "@legacy.example>");
        refile(archived, "Archive", true);
        String quinn = "quinn." + shortId() + "@legacy.example";
        String others = "from quinn " + shortId();
        send(quinn, "Quinn", to, others, "<" + shortId() + "@legacy.example>");
        String samsAddress = admin.createAlias(Login.of("sam"), "sam", true).address().toString();
        String toSam = "pat to sam " + shortId();
        send(pat, "Pat", samsAddress, toSam, "<" + shortId() + "@legacy.example>");
        flag("Requests", asked.get(1), jakarta.mail.Flags.Flag.FLAGGED);
        flag("Requests", asked.get(1), jakarta.mail.Flags.Flag.SEEN);

        long inboxModSeq;
        long inboxUidNext;
        long requestsModSeq;
        try (ImapLines status = ImapLines.login("alex", "alex-pw")) {
            inboxModSeq = status.number(status.command("STATUS INBOX (HIGHESTMODSEQ)"), "HIGHESTMODSEQ");
            inboxUidNext = status.number(status.command("STATUS INBOX (UIDNEXT)"), "UIDNEXT");
            requestsModSeq = status.number(status.command("STATUS Requests (HIGHESTMODSEQ)"), "HIGHESTMODSEQ");
        }
        try (ImapLines idler = ImapLines.login("alex", "alex-pw"); ImapLines resync = ImapLines.login("alex", "alex-pw")) {
            idler.command("SELECT Requests");
            resync.command("ENABLE QRESYNC");
            resync.command("SELECT Requests (CONDSTORE)");
            java.util.Set<Long> pats = new java.util.TreeSet<>();
            for (String subject : asked) {
                pats.add(resync.number(resync.command("UID SEARCH SUBJECT \"" + subject + "\""), "SEARCH"));
            }

            refile(asked.get(0), "INBOX", true);

            assertEquals(RelationshipState.ACTIVE, stateWith(pat), "moved to INBOX: accepted");
            for (String subject : asked) {
                only("INBOX", subject);
                assertEquals(0, folder("Requests", subject).size(), "'" + subject + "' left Requests");
            }
            jakarta.mail.Flags flags = only("INBOX", asked.get(1)).getFlags();
            assertTrue(flags.contains(jakarta.mail.Flags.Flag.FLAGGED) && flags.contains(jakarta.mail.Flags.Flag.SEEN),
                    "moved with its flags: " + java.util.Arrays.toString(flags.getSystemFlags()));
            assertFalse(only("INBOX", asked.get(2)).getFlags().contains(jakarta.mail.Flags.Flag.SEEN),
                    "an unread request stays unread");
            only("Archive", archived);
            only("Requests", others);
            assertTrue(subjects("sam", "sam-pw", "Requests").contains(toSam), "sam's request from pat is sam's to answer");
            assertFalse(subjects("sam", "sam-pw", "INBOX").contains(toSam));

            idler.idleUntil(lines -> lines.stream().filter(l -> l.endsWith(" EXPUNGE")).count() == asked.size());
            java.util.Set<Long> vanished = new java.util.TreeSet<>();
            resync.idleUntil(lines -> {
                lines.stream().filter(l -> l.startsWith("* VANISHED ")).forEach(l -> vanished.addAll(uids(l.substring(11))));
                return vanished.containsAll(pats);
            });
            assertEquals(pats, vanished, "only pat's requests left Requests");
        }
        try (ImapLines after = ImapLines.login("alex", "alex-pw")) {
            assertTrue(after.number(after.command("STATUS Requests (HIGHESTMODSEQ)"), "HIGHESTMODSEQ") > requestsModSeq);
            after.command("SELECT INBOX (CONDSTORE)");
            for (String subject : asked) {
                long uid = after.number(after.command("UID SEARCH SUBJECT \"" + subject + "\""), "SEARCH");
                assertTrue(uid >= inboxUidNext, "a new UID in INBOX: " + uid + " (UIDNEXT was " + inboxUidNext + ")");
                long modSeq = after.number(after.command("UID FETCH " + uid + " (MODSEQ)"), "MODSEQ");
                assertTrue(modSeq > inboxModSeq, "a new MODSEQ in INBOX: " + modSeq + " (was " + inboxModSeq + ")");
            }
        }
        String next = "thanks " + shortId();
        send(pat, "Pat", to, next, "<" + shortId() + "@legacy.example>");
        only("INBOX", next);
    }

    /**
     * Refusing a request, by moving one of its messages to Junk or by copying it there (a client
     * without MOVE), sends the correspondent's other messages waiting in Requests to Junk too: the
     * copied one is not moved a second time.
     */
    @Test
    void refusingARequestByMovingOrCopyingOneToJunkSendsTheOthersToJunk() throws Exception {
        String to = ownPublished(); // its own: the tests' strangers would meet the limit of new senders an hour
        for (boolean move : new boolean[]{true, false}) {
            String rex = "rex." + shortId() + "@legacy.example";
            List<String> asked = List.of("rex one " + shortId(), "rex two " + shortId());
            for (String subject : asked) {
                send(rex, "Rex", to, subject, "<" + shortId() + "@legacy.example>");
            }
            String kept = "another stranger " + shortId();
            send("sue." + shortId() + "@legacy.example", "Sue", to, kept, "<" + shortId() + "@legacy.example>");
            refile(asked.get(0), "Junk", move);
            assertEquals(RelationshipState.BLOCKED, stateWith(rex), "put in Junk: refused");
            for (String subject : asked) {
                only("Junk", subject);
                assertEquals(0, folder("Requests", subject).size(), "'" + subject + "' left Requests");
            }
            only("Requests", kept);
        }
    }

    /**
     * A request's next message on its way while the user accepts: the delivery read the
     * relationship as a request before the acceptance committed, so the acceptance could not move
     * it; it goes to INBOX all the same, straight there, without passing through Requests (no UID
     * of Requests spent on it, nothing for a session there to see come and go). The acceptance is
     * held uncommitted until the delivery waits for it.
     */
    @Test
    void aRequestFiledJustAfterItsAcceptanceFollowsTheOthersToInbox() throws Exception {
        String to = ownPublished();
        String yan = "yan." + shortId() + "@legacy.example";
        String first = "yan first " + shortId();
        send(yan, "Yan", to, first, "<" + shortId() + "@legacy.example>");
        String late = "yan late " + shortId();
        long requestsUid = lastUid("Requests");
        java.util.concurrent.ExecutorService sender = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (java.sql.Connection accepting = gateway.database().dataSource().getConnection()) {
            accepting.setAutoCommit(false);
            gateway.relay().legacyConsent().accept(accepting, Login.of("alex"), relationshipWith(accepting, yan));
            java.util.concurrent.Future<?> sending = sender.submit(() -> {
                send(yan, "Yan", to, late, "<" + shortId() + "@legacy.example>");
                return null;
            });
            waitForLockWaiters(1, sending);
            accepting.commit();
            sending.get();
        } finally {
            sender.shutdownNow();
        }
        only("INBOX", first);
        only("INBOX", late);
        assertEquals(0, folder("Requests", late).size(), "not left alone in Requests");
        assertEquals(requestsUid, lastUid("Requests"), "filed in INBOX straight away, not through Requests");
    }

    /**
     * The same late message while a MOVE in the mail client between INBOX and Requests takes their
     * rows (INBOX first, the lower id: Requests is created later): both finish, the message in
     * INBOX. The delivery held Requests, where it had filed the message, and wanted INBOX to move
     * it after the others; the MOVE held INBOX and wanted Requests (the sender got 451).
     */
    @Test
    void aRequestFiledJustAfterItsAcceptanceWhileAMoveTakesInboxAndRequestsFailsNeither() throws Exception {
        String to = ownPublished();
        String yan = "yan." + shortId() + "@legacy.example";
        String first = "yan first " + shortId();
        send(yan, "Yan", to, first, "<" + shortId() + "@legacy.example>");
        String late = "yan late " + shortId();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try (java.sql.Connection accepting = gateway.database().dataSource().getConnection();
             java.sql.Connection move = gateway.database().dataSource().getConnection()) {
            accepting.setAutoCommit(false);
            move.setAutoCommit(false);
            gateway.relay().legacyConsent().accept(accepting, Login.of("alex"), relationshipWith(accepting, yan));
            java.util.concurrent.Future<?> sending = pool.submit(() -> {
                send(yan, "Yan", to, late, "<" + shortId() + "@legacy.example>");
                return null;
            });
            waitForLockWaiters(1, sending);
            java.util.concurrent.Future<?> moving = pool.submit(() -> { // a MOVE's lockFolders, lower id first
                lockFolder(move, "INBOX");
                return null;
            });
            waitForLockWaiters(2, sending, moving);
            accepting.commit();
            moving.get();
            waitForLockWaiters(1, sending);
            lockFolder(move, "Requests"); // the MOVE's second row
            move.commit();
            sending.get();
        } finally {
            pool.shutdownNow();
        }
        only("INBOX", first);
        only("INBOX", late);
        assertEquals(0, folder("Requests", late).size());
    }

    /**
     * {@code liaison relationship accept} while the MX files the correspondent's next message:
     * both succeed, and both messages end in INBOX. The delivery holds the Requests row it filed
     * into when the foreign key of {@code mapping.legacy_received_ids} takes its share of the
     * relationship row; the acceptance locked the relationship row first and then wanted Requests
     * (deadlock detected). A lock on {@code legacy_received_ids} holds the delivery at that point
     * until the acceptance waits too.
     */
    @Test
    void acceptingARequestWhileTheMxFilesTheCorrespondentsNextMessageFailsNeither() throws Exception {
        String to = ownPublished();
        String yan = "yan." + shortId() + "@legacy.example";
        String first = "yan first " + shortId();
        send(yan, "Yan", to, first, "<" + shortId() + "@legacy.example>");
        String late = "yan late " + shortId();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.concurrent.Future<?> sending;
            java.util.concurrent.Future<?> accepting;
            try (java.sql.Connection hold = gateway.database().dataSource().getConnection()) {
                hold.setAutoCommit(false);
                try (java.sql.Statement s = hold.createStatement()) {
                    s.execute("LOCK TABLE mapping.legacy_received_ids IN SHARE MODE");
                }
                sending = pool.submit(() -> {
                    send(yan, "Yan", to, late, "<" + shortId() + "@legacy.example>");
                    return null;
                });
                waitForLockWaiters(1, sending); // the delivery filed in Requests and waits
                accepting = pool.submit(() -> {
                    gateway.database().inTransaction(c ->
                            gateway.relay().legacyConsent().accept(c, Login.of("alex"), relationshipWith(c, yan)));
                    return null;
                });
                waitForLockWaiters(2, sending, accepting);
                hold.rollback();
            }
            sending.get();
            accepting.get();
        } finally {
            pool.shutdownNow();
        }
        for (String subject : List.of(first, late)) {
            assertEquals(1, folder("INBOX", subject).size(), "accepted: '" + subject + "' in INBOX");
            assertEquals(0, folder("Requests", subject).size());
        }
    }

    /** Until {@code n} sessions of the test database wait for a lock, or one of {@code running} ended (its get() says why). */
    private static void waitForLockWaiters(int n, java.util.concurrent.Future<?>... running) throws Exception {
        while (java.util.Arrays.stream(running).noneMatch(java.util.concurrent.Future::isDone)) {
            try (java.sql.Connection c = gateway.database().dataSource().getConnection();
                 java.sql.PreparedStatement s = c.prepareStatement("SELECT count(*) FROM pg_stat_activity"
                         + " WHERE datname = current_database() AND wait_event_type = 'Lock'");
                 java.sql.ResultSet rs = s.executeQuery()) {
                rs.next();
                if (rs.getLong(1) >= n) {
                    return;
                }
            }
            Thread.sleep(5);
        }
    }

    private static void lockFolder(java.sql.Connection c, String name) throws java.sql.SQLException {
        try (java.sql.PreparedStatement s = c.prepareStatement("SELECT id FROM imap.mailbox WHERE owner = 'alex'"
                + " AND name = ? FOR UPDATE")) {
            s.setString(1, name);
            try (java.sql.ResultSet rs = s.executeQuery()) {
                assertTrue(rs.next(), name);
            }
        }
    }

    private static long lastUid(String folder) throws Exception {
        try (java.sql.Connection c = gateway.database().dataSource().getConnection();
             java.sql.PreparedStatement s = c.prepareStatement("SELECT last_uid FROM imap.mailbox WHERE owner = 'alex'"
                     + " AND name = ?")) {
            s.setString(1, folder);
            try (java.sql.ResultSet rs = s.executeQuery()) {
                assertTrue(rs.next(), folder);
                return rs.getLong(1);
            }
        }
    }

    /**
     * One MOVE (or COPY) of several of a correspondent's requests at once: the first of them
     * accepts, which moves the rest; the command still places each of its own messages once, and
     * the request it left behind comes along.
     */
    @Test
    void movingSeveralOfOneCorrespondentsRequestsAtOnceMovesThemAllAndTheRest() throws Exception {
        for (boolean move : new boolean[]{true, false}) {
            String to = ownPublished();
            String wes = "wes." + shortId() + "@legacy.example";
            List<String> asked = List.of("wes one " + shortId(), "wes two " + shortId(), "wes three " + shortId());
            for (String subject : asked) {
                send(wes, "Wes", to, subject, "<" + shortId() + "@legacy.example>");
            }
            refile(asked.subList(0, 2), "INBOX", move);
            assertEquals(RelationshipState.ACTIVE, stateWith(wes));
            for (String subject : asked) {
                only("INBOX", subject);
                assertEquals(0, folder("Requests", subject).size(), "'" + subject + "' left Requests");
            }
        }
    }

    /**
     * {@code liaison relationship accept} and {@code block}, run by the administrator on the
     * gateway's database while it serves, file the correspondent's waiting requests as moving one
     * in the mail client does: to INBOX, to Junk.
     */
    @Test
    void relationshipAcceptAndBlockFileTheRequestsWaitingInRequests() throws Exception {
        String to = ownPublished(); // its own: the tests' strangers would meet the limit of new senders an hour
        String una = "una." + shortId() + "@legacy.example";
        String vic = "vic." + shortId() + "@legacy.example";
        List<String> fromUna = List.of("una one " + shortId(), "una two " + shortId());
        List<String> fromVic = List.of("vic one " + shortId(), "vic two " + shortId());
        for (int i = 0; i < 2; i++) {
            send(una, "Una", to, fromUna.get(i), "<" + shortId() + "@legacy.example>");
            send(vic, "Vic", to, fromVic.get(i), "<" + shortId() + "@legacy.example>");
        }
        try (ImapLines idler = ImapLines.login("alex", "alex-pw")) {
            idler.command("SELECT Requests");
            assertEquals(0, cli("relationship", "accept", "--user", "alex", String.valueOf(relationshipWith(una))));
            assertEquals(RelationshipState.ACTIVE, stateWith(una));
            fromUna.forEach(subject -> assertEquals(1, count("INBOX", subject), subject));
            fromVic.forEach(subject -> assertEquals(1, count("Requests", subject), subject));
            idler.idleUntil(lines -> lines.stream().filter(l -> l.endsWith(" EXPUNGE")).count() == fromUna.size());

            assertEquals(0, cli("relationship", "block", "--user", "alex", String.valueOf(relationshipWith(vic))));
            assertEquals(RelationshipState.BLOCKED, stateWith(vic));
            fromVic.forEach(subject -> assertEquals(1, count("Junk", subject), subject));
            fromVic.forEach(subject -> assertEquals(0, count("Requests", subject), subject));
            idler.idleUntil(lines -> lines.stream().filter(l -> l.endsWith(" EXPUNGE")).count() == fromVic.size());
        }
        assertEquals(0, cli("relationship", "unblock", "--user", "alex", String.valueOf(relationshipWith(vic))));
        assertEquals(RelationshipState.REQUESTED, stateWith(vic), "a request blocked unanswered is a request again");
        fromVic.forEach(subject -> assertEquals(1, count("Junk", subject), "what the block filed stays: " + subject));
    }

    /** A new published address of alex's. */
    private static String ownPublished() throws Exception {
        return admin.createAlias(Login.of("alex"), "screen", true).address().toString();
    }

    /** Runs {@code liaison <command>} on the gateway's database, as the administrator would. */
    private static int cli(String... command) {
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(List.of("--data-dir=" + dir, "--domain=" + DOMAIN, "--database.url=" + database.url(),
                "--database.user=" + database.user(), "--database.password=" + database.password()));
        return dev.liaison.gateway.Liaison.run(args.toArray(String[]::new));
    }

    private static int count(String folder, String subject) {
        try {
            return folder(folder, subject).size();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sets {@code flag} on alex's message {@code subject} in {@code name}, as a mail client does. */
    private static void flag(String name, String subject, jakarta.mail.Flags.Flag flag) throws Exception {
        try (Store store = imap()) {
            Folder f = store.getFolder(name);
            f.open(Folder.READ_WRITE);
            for (Message m : f.getMessages()) {
                if (subject.equals(m.getSubject())) {
                    m.setFlag(flag, true);
                }
            }
            f.close(false);
        }
    }

    private static List<String> subjects(String login, String password, String name) throws Exception {
        List<String> found = new ArrayList<>();
        try (Store store = imap(login, password)) {
            Folder f = store.getFolder(name);
            f.open(Folder.READ_ONLY);
            for (Message m : f.getMessages()) {
                found.add(m.getSubject());
            }
            f.close(false);
        }
        return found;
    }

    /** The UIDs of an IMAP sequence set ({@code 4:6,9}). */
    private static List<Long> uids(String set) {
        List<Long> all = new ArrayList<>();
        for (String part : set.trim().split(",")) {
            String[] ends = part.split(":");
            long from = Long.parseLong(ends[0]);
            long to = Long.parseLong(ends[ends.length - 1]);
            for (long uid = Math.min(from, to); uid <= Math.max(from, to); uid++) {
                all.add(uid);
            }
        }
        return all;
    }

    /** An IMAP session over TLS, line by line, to see exactly what a selected session is told. */
    private static final class ImapLines implements AutoCloseable {

        private final javax.net.ssl.SSLSocket socket;
        private final java.io.BufferedReader in;
        private final java.io.Writer out;
        private int tag;

        private ImapLines(javax.net.ssl.SSLSocket socket) throws Exception {
            this.socket = socket;
            socket.setSoTimeout(30_000); // never a timing assertion: only that a broken server fails the test
            in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8));
            out = new java.io.OutputStreamWriter(socket.getOutputStream(), java.nio.charset.StandardCharsets.UTF_8);
            in.readLine(); // greeting
        }

        static ImapLines login(String login, String password) throws Exception {
            ImapLines session = new ImapLines((javax.net.ssl.SSLSocket) TrustingClients.trusting(gateway.tls().certificate())
                    .getSocketFactory().createSocket("127.0.0.1", gateway.imapsPort()));
            session.command("LOGIN " + login + " " + password);
            return session;
        }

        /** Sends a command; every line up to its tagged OK, which it must be. */
        List<String> command(String command) throws Exception {
            String t = "t" + (++tag);
            out.write(t + " " + command + "\r\n");
            out.flush();
            List<String> lines = new ArrayList<>();
            for (String line = in.readLine(); ; line = in.readLine()) {
                lines.add(line);
                if (line.startsWith(t + " ")) {
                    assertTrue(line.startsWith(t + " OK"), command + ": " + lines);
                    return lines;
                }
            }
        }

        /** The number after {@code word} in the untagged lines. */
        long number(List<String> lines, String word) {
            for (String line : lines) {
                int at = line.indexOf(word + " ");
                if (line.startsWith("* ") && at >= 0) {
                    return Long.parseLong(line.substring(at + word.length() + 1).replaceFirst("^\\(", "").split("[ )]")[0]);
                }
            }
            throw new AssertionError("no " + word + " in " + lines);
        }

        /** IDLEs until the lines pushed so far satisfy {@code enough}, then ends the IDLE. */
        void idleUntil(java.util.function.Predicate<List<String>> enough) throws Exception {
            String t = "t" + (++tag);
            out.write(t + " IDLE\r\n");
            out.flush();
            List<String> pushed = new ArrayList<>();
            while (!enough.test(pushed)) {
                String line = in.readLine();
                assertTrue(line != null, "the connection closed during IDLE: " + pushed);
                pushed.add(line);
            }
            out.write("DONE\r\n");
            out.flush();
            for (String line = in.readLine(); !line.startsWith(t + " "); line = in.readLine()) {
                // what came after the awaited lines
            }
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }

    private static long relationshipWith(String address) throws Exception {
        return gateway.database().inTransaction(c -> relationshipWith(c, address));
    }

    private static long relationshipWith(java.sql.Connection c, String address) throws java.sql.SQLException {
        long owner = new dev.liaison.mapping.user.PostgresUserStore().find(c, Login.of("alex")).orElseThrow().id();
        return new LegacyCorrespondents(DOMAIN).find(c, owner, address).orElseThrow().relationship().id();
    }

    /** A genuine invitation of another user of this gateway, valid for {@code lifetime} from now. */
    private static String invitation(Duration lifetime) throws Exception {
        return gateway.database().inTransaction(c ->
                gateway.relay().invitations().create(c, Login.of("sam"), "Sam", lifetime).token());
    }

    private static String offer(long relationshipId) throws Exception {
        return gateway.database().inTransaction(c ->
                gateway.relay().invitations().offerFor(c, relationshipId, "Alex").orElseThrow());
    }

    /** A correspondent whose request alex has accepted. */
    private static String accepted(String address, String name) throws Exception {
        return accepted(address, name, published);
    }

    private static String accepted(String address, String name, String to) throws Exception {
        send(address, name, to, "hello " + shortId(), "<" + shortId() + "@legacy.example>");
        gateway.database().inTransaction(c ->
                gateway.relay().legacyConsent().accept(c, Login.of("alex"), relationshipWith(c, address)));
        return address;
    }

    private static void sendInviting(String from, String name, String invitation) throws Exception {
        sendInviting(from, name, invitation, published, "INBOX");
    }

    private static void sendInviting(String from, String name, String invitation, String to, String folder)
            throws Exception {
        String subject = "inviting " + shortId();
        MimeMessage m = message(from, name, to, subject, "<" + shortId() + "@" + from.substring(from.indexOf('@') + 1) + ">");
        // folded as a sending gateway does: the token has no spaces, whitespace is not part of it
        m.setHeader("Communicator-Invite", String.join("\r\n ", invitation.split("(?<=\\G.{70})")));
        m.saveChanges();
        Transport.send(m);
        assertEquals(null, only(folder, subject).getHeader("Communicator-Invite"), "delivered, without the field");
    }

    private static long acceptedInvitations(java.sql.Connection c) throws java.sql.SQLException {
        try (var s = c.prepareStatement("SELECT count(*) FROM relay.accepted_invitations"); var rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static boolean upgraded(String address) throws Exception {
        return gateway.database().inTransaction(c -> new LegacyCorrespondents(DOMAIN)
                .ofRelationship(c, relationshipWith(c, address)).orElseThrow().correspondent().upgraded());
    }

    private static RelationshipState stateWith(String address) throws Exception {
        long id = relationshipWith(address);
        return gateway.database().inTransaction(c ->
                new LegacyCorrespondents(DOMAIN).ofRelationship(c, id).orElseThrow().relationship().state());
    }

    /** What a mail client does when the user drags the message {@code subject} out of its folder. */
    private static void refile(String subject, String target, boolean move) throws Exception {
        refile(List.of(subject), target, move);
    }

    /** As above, the messages {@code subjects} together, in one command. */
    private static void refile(List<String> subjects, String target, boolean move) throws Exception {
        String source = folder("Requests", subjects.get(0)).isEmpty() ? "INBOX" : "Requests";
        try (Store store = imap()) {
            jakarta.mail.Folder from = store.getFolder(source);
            from.open(Folder.READ_WRITE);
            Message[] chosen = java.util.Arrays.stream(from.getMessages())
                    .filter(m -> {
                        try {
                            return subjects.contains(m.getSubject());
                        } catch (MessagingException e) {
                            throw new IllegalStateException(e);
                        }
                    }).toArray(Message[]::new);
            assertEquals(subjects.size(), chosen.length, subjects + " in " + source);
            if (move) {
                ((org.eclipse.angus.mail.imap.IMAPFolder) from).moveMessages(chosen, store.getFolder(target));
            } else {
                from.copyMessages(chosen, store.getFolder(target));
                from.setFlags(chosen, new jakarta.mail.Flags(jakarta.mail.Flags.Flag.DELETED), true);
            }
            from.close(true);
        }
        for (String subject : subjects) {
            only(target, subject);
        }
    }

    private static Store imap() throws Exception {
        return imap("alex", "alex-pw");
    }

    private static Store imap(String login, String password) throws Exception {
        Properties p = new Properties();
        p.put("mail.imaps.host", "localhost");
        p.put("mail.imaps.port", String.valueOf(gateway.imapsPort()));
        p.put("mail.imaps.ssl.socketFactory", TrustingClients.trusting(gateway.tls().certificate()).getSocketFactory());
        p.put("mail.imaps.timeout", "30000");
        Store store = Session.getInstance(p).getStore("imaps");
        store.connect(login, password);
        return store;
    }

    private static Session mx(String envelopeFrom) {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(gateway.inboundPort()));
        p.put("mail.smtp.from", envelopeFrom);
        p.put("mail.smtp.localhost", "mx.legacy.example");
        p.put("mail.smtp.connectiontimeout", "10000");
        p.put("mail.smtp.timeout", "30000");
        return Session.getInstance(p);
    }

    private static void send(String from, String name, String to, String subject, String messageId) throws Exception {
        MimeMessage m = message(from, name, to, subject, messageId);
        Transport.send(m);
    }

    private static MimeMessage message(String from, String name, String to, String subject, String messageId)
            throws Exception {
        MimeMessage m = new MimeMessage(mx(from)) {
            @Override
            protected void updateMessageID() throws MessagingException {
                if (messageId == null) {
                    super.updateMessageID();
                } else {
                    setHeader("Message-ID", messageId);
                }
            }
        };
        m.setFrom(new InternetAddress(from, name));
        m.setRecipients(Message.RecipientType.TO, to);
        m.setSubject(subject);
        m.setText("Body of " + subject + "\r\n");
        m.saveChanges();
        return m;
    }

    /** The Message-ID of a plain email alex sent: what a report on it names. */
    private static final String SENT_BY_ALEX = "abcdefghijklmnopqrstuvwxyz@liaison.invalid";

    /** A message with a null reverse path, as mail servers send reports: RFC 3464 when {@code report}. */
    private static MimeMessage bounce(String from, String to, String subject, boolean report) throws Exception {
        return bounce(from, to, subject, report, true);
    }

    /** {@code namesOurs}: the report returns the header of a message a Liaison gateway sent. */
    private static MimeMessage bounce(String from, String to, String subject, boolean report, boolean namesOurs)
            throws Exception {
        String boundary = "b-" + shortId();
        String text = "From: Mail Delivery System <" + from + ">\r\nTo: " + to + "\r\nSubject: " + subject + "\r\n"
                + "Message-ID: <" + shortId() + "@mx.legacy.example>\r\nX-Liaison-Warning: forged\r\nMIME-Version: 1.0\r\n"
                + (report ? "Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"" + boundary + "\"\r\n\r\n"
                + "--" + boundary + "\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
                + "--" + boundary + "\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.legacy.example\r\n\r\n"
                + "Final-Recipient: rfc822; nobody@legacy.example\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n"
                + "--" + boundary + "\r\nContent-Type: text/rfc822-headers\r\n\r\nSubject: hello\r\nMessage-ID: <"
                + (namesOurs ? SENT_BY_ALEX : shortId() + "@shop.example") + ">\r\n\r\n"
                + "--" + boundary + "--\r\n"
                : "Content-Type: text/plain\r\n\r\nBuy now.\r\n");
        return new MimeMessage(mx("<>"), new java.io.ByteArrayInputStream(text.getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
            @Override
            protected void updateMessageID() {
                // a retry is the same message: its Message-ID stays
            }
        };
    }

    /** The SMTP reply code the MX refused the message with. */
    private static int refusal(String from, String to, String subject) throws Exception {
        return refusal(message(from, from, to, subject, null));
    }

    private static int refusal(MimeMessage message) {
        SendFailedException e = assertThrows(SendFailedException.class, () -> Transport.send(message));
        for (Exception next = e; next != null; next = next instanceof MessagingException me ? me.getNextException() : null) {
            if (next instanceof SMTPAddressFailedException a) {
                return a.getReturnCode();
            }
            if (next instanceof SMTPSendFailedException s) {
                return s.getReturnCode();
            }
        }
        throw new AssertionError("no SMTP reply code in " + e);
    }

    private static MimeMessage only(String folder, String subject) throws Exception {
        List<MimeMessage> found = folder(folder, subject);
        assertEquals(1, found.size(), "'" + subject + "' in " + folder);
        return found.get(0);
    }

    private static List<MimeMessage> folder(String name, String subject) throws Exception {
        List<MimeMessage> found = new ArrayList<>();
        try (Store store = imap()) {
            Folder f = store.getFolder(name);
            if (!f.exists()) {
                return found;
            }
            f.open(Folder.READ_ONLY);
            for (Message m : f.getMessages()) {
                if (subject.equals(m.getSubject())) {
                    found.add(new MimeMessage((MimeMessage) m));
                }
            }
            f.close(false);
        }
        return found;
    }

    /**
     * s9@signed.example's domain signs with DKIM and publishes DMARC p=reject. The attacker holds one
     * genuine signed mail of s9's (sent to the attacker), prepends a Communicator-Invite field of
     * their own and sends it to alex from their own server. Liaison's signer over-signs the field,
     * so the added one breaks the signature (the MX may refuse the mail outright); a signer that did
     * not sign the field at all is covered by SenderAuthentication.authorVouchesFor (smtp-in's
     * AuthorAuthenticatedTest). Either way the relationship is not upgraded.
     */
    @Test
    void aSignedMailReplayedWithAnInvitationAddedOnTopIsNotTakenUp() throws Exception {
        String mallorys = invitation(Duration.ofDays(7));
        String to = admin.createAlias(Login.of("alex"), "signed", true).address().toString();
        String s9 = "s9." + shortId() + "@signed.example";
        // s9 writes to alex first (signed), alex accepts
        byte[] first = signed(s9, to, "hello " + shortId());
        sendRaw("s9@signed.example", to, first);
        gateway.database().inTransaction(c ->
                gateway.relay().legacyConsent().accept(c, Login.of("alex"), relationshipWith(c, s9)));
        // a genuine mail s9 sent to the attacker, signed by signed.example
        byte[] toAttacker = signed(s9, "mallory@evil.example", "reply to mallory " + shortId());
        String field = "Communicator-Invite: " + String.join("\r\n ", mallorys.split("(?<=\\G.{70})")) + "\r\n";
        byte[] forged = concat(field.getBytes(java.nio.charset.StandardCharsets.US_ASCII), toAttacker);
        sendRawRefusalAllowed("bounce@evil.example", to, forged);
        assertFalse(upgraded(s9), "a replayed signed mail with an unsigned invitation field must not upgrade");
    }

    private static byte[] signed(String from, String to, String subject) throws Exception {
        return signed(from, to, subject, "");
    }

    private static byte[] signed(String from, String to, String subject, String extra) throws Exception {
        String m = extra + "From: S9 <" + from + ">\r\nTo: " + to + "\r\nSubject: " + subject + "\r\nDate: Sat, 28 Nov 2026 01:00:00 +0000\r\n"
                + "Message-ID: <" + shortId() + "@signed.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
                + "Body of " + subject + "\r\n";
        return new dev.liaison.gateway.legacy.delivery.DkimSigner("signed.example", SIGNED_KEY, java.time.Clock.systemUTC())
                .sign(m.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    void aSecondInvitationAboveASignedOneIsNotTakenUp() throws Exception {
        String mallorys = invitation(Duration.ofDays(7));
        String to = admin.createAlias(Login.of("alex"), "signed2", true).address().toString();
        String s9 = "s10." + shortId() + "@signed.example";
        sendRaw("s9@signed.example", to, signed(s9, to, "hello " + shortId()));
        gateway.database().inTransaction(c ->
                gateway.relay().legacyConsent().accept(c, Login.of("alex"), relationshipWith(c, s9)));
        // the genuine gateway-signed mail carries its own (here: useless) invitation, signed (h= names it)
        byte[] genuine = signed(s9, "mallory@evil.example", "to mallory " + shortId(), "Communicator-Invite: notavalidtoken\r\n");
        assertTrue(new String(genuine, java.nio.charset.StandardCharsets.US_ASCII).contains("communicator-invite"));
        String field = "Communicator-Invite: " + String.join("\r\n ", mallorys.split("(?<=\\G.{70})")) + "\r\n";
        sendRawRefusalAllowed("bounce@evil.example", to,
                concat(field.getBytes(java.nio.charset.StandardCharsets.US_ASCII), genuine));
        assertFalse(upgraded(s9), "an unsigned second Communicator-Invite above the signed one must not upgrade");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static void sendRaw(String envelopeFrom, String to, byte[] raw) throws Exception {
        sendRaw(envelopeFrom, to, new MimeMessage(mx(envelopeFrom), new java.io.ByteArrayInputStream(raw)));
    }

    /** Sends {@code m} with the envelope sender {@code envelopeFrom}, as a list or forwarder relays it. */
    private static void sendRaw(String envelopeFrom, String to, MimeMessage m) throws Exception {
        try (Transport t = mx(envelopeFrom).getTransport("smtp")) {
            t.connect();
            t.sendMessage(m, new jakarta.mail.Address[] {new InternetAddress(to)});
        }
    }

    /** Sends; a refusal by the MX (a DMARC reject) is as good an outcome as a message filed plainly. */
    private static void sendRawRefusalAllowed(String envelopeFrom, String to, byte[] raw) throws Exception {
        try {
            sendRaw(envelopeFrom, to, raw);
        } catch (jakarta.mail.MessagingException refused) {
            assertTrue(String.valueOf(refused.getMessage()).contains("5") || refused.getCause() != null, refused.toString());
        }
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
