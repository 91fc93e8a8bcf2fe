package dev.liaison.smtp.server;

import static dev.liaison.smtp.server.BadInputTest.assertReply;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.liaison.smtp.testing.RunningServer;
import dev.liaison.smtp.testing.SmtpWire;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Never an open relay: every classic trick for making a server forward mail, sent as RCPT by an
 * authenticated user who owns {@code blair.k7q2xm@gw.example}, each refused with its exact reply and
 * followed by a DATA that must find no recipient. Nothing reaches the handler.
 */
class RelayTrickTest {

    private static RunningServer smtp;

    @BeforeAll
    static void start() {
        smtp = new RunningServer();
    }

    @AfterAll
    static void stop() {
        smtp.close();
    }

    @ParameterizedTest(name = "RCPT TO:{0} -> {1} {2}")
    @CsvSource(delimiter = '|', value = {
        "<blair.k7q2xm%elsewhere.example@gw.example>        | 553 | 5.1.3",
        "<someone%gw.example@elsewhere.example>             | 553 | 5.1.3",
        "<@gw.example:someone@elsewhere.example>            | 553 | 5.1.3",
        "<@gw.example,@relay.example:blair.k7q2xm@gw.example> | 553 | 5.1.3",
        "<\"someone@elsewhere.example\"@gw.example>         | 553 | 5.1.3",
        "<\"blair.k7q2xm\"@gw.example>                      | 553 | 5.1.3",
        "<elsewhere.example!someone@gw.example>             | 553 | 5.1.3",
        "<blair.k7q2xm@[127.0.0.1]>                         | 553 | 5.1.3",
        "<someone@[IPv6:::1]>                               | 553 | 5.1.3",
        "<blair.k7q2xm@gw.example.>                         | 501 | 5.1.3",
        "<blair.k7q2xm@gw.example@elsewhere.example>        | 501 | 5.1.3",
        "<bl\u0430ir.k7q2xm@gw.example>                     | 553 | 5.6.7",
        "<blair.k7q2xm@gw.ex\u0430mple>                     | 553 | 5.6.7",
        "<blair.k7q2xm\uff20gw.example>                     | 553 | 5.6.7",
        "<someone@elsewhere.example>                        | 550 | 5.7.1",
        "<someone@ELSEWHERE.example>                        | 550 | 5.7.1",
        "<postmaster@gw.example>                            | 550 | 5.1.1",
        "<postmaster>                                       | 501 | 5.1.3",
        "blair.k7q2xm@gw.example                            | 501 | 5.5.4",
        "<blair.k7q2xm@gw.example                           | 501 | 5.5.4",
    })
    void relayTrickIsRefused(String path, int code, String enhanced) throws Exception {
        try (SmtpWire wire = smtp.authenticatedAlex()) {
            wire.command("MAIL FROM:<alex@gw.example>").expect(250);
            // Non-ASCII travels as UTF-8 octets, as a client would send it.
            wire.send(("RCPT TO:" + path + "\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertReply(wire, code, enhanced);
            assertReply(wire.command("DATA"), 503, "5.5.0");
        }
        assertEquals(0, smtp.handler.committed().size());
    }

    @Test
    void relayTricksInMailFromAreRefusedToo() throws Exception {
        try (SmtpWire wire = smtp.authenticatedAlex()) {
            assertReply(wire.command("MAIL FROM:<@relay.example:alex@gw.example>"), 553, "5.1.7");
            assertReply(wire.command("MAIL FROM:<alex%relay.example@gw.example>"), 553, "5.1.7");
            assertReply(wire.command("MAIL FROM:<alex@gw.example.>"), 501, "5.1.7");
            wire.command("MAIL FROM:<alex@gw.example>").expect(250);
        }
    }
}
