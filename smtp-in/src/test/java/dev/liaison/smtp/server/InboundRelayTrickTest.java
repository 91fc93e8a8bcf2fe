package dev.liaison.smtp.server;

import static dev.liaison.smtp.server.BadInputTest.assertReply;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.liaison.smtp.testing.RunningInbound;
import dev.liaison.smtp.testing.SmtpWire;
import dev.liaison.smtp.testing.TestMailboxes;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Never an open relay on port 25, where anyone may connect without AUTH: every classic trick for
 * making a server forward mail, sent as RCPT, refused with its exact reply and followed by a DATA
 * that must find no recipient. None of them reaches the recipient policy (the domain check or the
 * parser stops it first), and nothing reaches the handler.
 */
class InboundRelayTrickTest {

    private static RunningInbound mx;

    @BeforeAll
    static void start() {
        mx = new RunningInbound();
    }

    @AfterAll
    static void stop() {
        mx.close();
    }

    @BeforeEach
    void reset() {
        mx.mailboxes.clear();
        mx.handler.clear();
    }

    @ParameterizedTest(name = "RCPT TO:{0} -> {1} {2}")
    @CsvSource(delimiter = '|', value = {
        "<alex%elsewhere.example@gw.example>               | 553 | 5.1.3",
        "<someone%gw.example@elsewhere.example>            | 553 | 5.1.3",
        "<@gw.example:someone@elsewhere.example>           | 553 | 5.1.3",
        "<@gw.example,@relay.example:alex@gw.example>      | 553 | 5.1.3",
        "<\"someone@elsewhere.example\"@gw.example>        | 553 | 5.1.3",
        "<\"alex\"@gw.example>                             | 553 | 5.1.3",
        "<elsewhere.example!someone@gw.example>            | 553 | 5.1.3",
        "<alex@[127.0.0.1]>                                | 553 | 5.1.3",
        "<someone@[IPv6:::1]>                              | 553 | 5.1.3",
        "<alex@gw.example.>                                | 501 | 5.1.3",
        "<alex@gw.example@elsewhere.example>               | 501 | 5.1.3",
        "<\u0430lex@gw.example>                            | 553 | 5.6.7",
        "<alex@gw.ex\u0430mple>                            | 553 | 5.6.7",
        "<alex\uff20gw.example>                            | 553 | 5.6.7",
        "<someone@elsewhere.example>                       | 550 | 5.7.1",
        "<someone@ELSEWHERE.example>                       | 550 | 5.7.1",
        "<alex@gw.example.elsewhere.example>               | 550 | 5.7.1",
        "<alex@sub.gw.example>                             | 550 | 5.7.1",
        "<alex@xgw.example>                                | 550 | 5.7.1",
        "alex@gw.example                                   | 501 | 5.5.4",
        "<alex@gw.example                                  | 501 | 5.5.4",
        "<>                                                | 501 | 5.1.3",
    })
    void relayTrickIsRefusedWithoutAskingThePolicy(String path, int code, String enhanced) throws Exception {
        try (SmtpWire wire = mx.greeted()) {
            wire.command("MAIL FROM:<" + TestMailboxes.BOB + ">").expect(250);
            // Non-ASCII travels as UTF-8 octets, as a client would send it.
            wire.send(("RCPT TO:" + path + "\r\n").getBytes(StandardCharsets.UTF_8));
            assertReply(wire, code, enhanced);
            assertReply(wire.command("DATA"), 503, "5.5.0");
        }
        assertEquals(List.of(), mx.mailboxes.asked(), "a relay trick reached the recipient policy");
        assertEquals(0, mx.handler.calls());
    }

    @Test
    void postmasterWithoutADomainIsTheServedDomainsPostmaster() throws Exception {
        try (SmtpWire wire = mx.greeted()) {
            wire.command("MAIL FROM:<" + TestMailboxes.BOB + ">").expect(250);
            assertReply(wire.command("RCPT TO:<Postmaster>"), 550, "5.1.1"); // the policy decides: no such mailbox here
        }
        assertEquals(List.of("postmaster@gw.example"), mx.mailboxes.asked().stream().map(Object::toString).toList(),
                "RFC 5321 section 4.1.1.3: <Postmaster> is addressed to this server's domain");
    }

    @Test
    void mixedCaseIsOneCanonicalRecipientNotATrick() throws Exception {
        try (SmtpWire wire = mx.greeted()) {
            wire.command("MAIL FROM:<" + TestMailboxes.BOB + ">").expect(250);
            wire.command("RCPT TO:<Alex@GW.Example>").expect(250);
            wire.command("RCPT TO:<alex@gw.example>").expect(250);
            wire.command("DATA").expect(354);
            wire.send("From: bob@legacy.example\r\n\r\nhi\r\n.\r\n").expect(250);
        }
        assertEquals(1, mx.handler.committed().size());
        assertEquals(List.of(TestMailboxes.PUBLISHED),
                mx.handler.committed().get(0).recipients().stream().map(Object::toString).toList());
    }

    @Test
    void relayTricksInMailFromAreRefusedToo() throws Exception {
        try (SmtpWire wire = mx.greeted()) {
            assertReply(wire.command("MAIL FROM:<@relay.example:bob@legacy.example>"), 553, "5.1.7");
            assertReply(wire.command("MAIL FROM:<bob%relay.example@legacy.example>"), 553, "5.1.7");
            assertReply(wire.command("MAIL FROM:<bob@legacy.example.>"), 501, "5.1.7");
            assertReply(wire.command("MAIL FROM:<bob@legacy.example> AUTH=<>"), 555, "5.5.4");
            wire.command("MAIL FROM:<" + TestMailboxes.BOB + ">").expect(250);
        }
    }
}
