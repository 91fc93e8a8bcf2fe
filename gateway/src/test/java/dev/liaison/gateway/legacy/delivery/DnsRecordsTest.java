package dev.liaison.gateway.legacy.delivery;

import dev.liaison.gateway.config.LegacySmarthost;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@code liaison dns} prints: zone-file records whose DKIM text is the signing key's. */
class DnsRecordsTest {

    private static final DkimKey KEY = DkimKey.generate("liaison");

    @Test
    void recordsNameTheDomainTheMailHostAndTheDkimKey() {
        List<String> lines = new DnsRecords("alex.example", "mail.alex.example", KEY, new LegacyRoute.DirectMx()).lines();

        assertTrue(lines.contains("alex.example. IN MX 10 mail.alex.example."), lines.toString());
        assertTrue(lines.contains("alex.example. IN TXT \"v=spf1 mx ~all\""), lines.toString());
        assertTrue(lines.contains("_dmarc.alex.example. IN TXT \"v=DMARC1; p=quarantine; adkim=s; aspf=r\""),
                lines.toString());
        String dkim = lines.stream().filter(l -> l.startsWith("liaison._domainkey.alex.example. IN TXT ")).findFirst()
                .orElseThrow();
        assertEquals(KEY.record(), joinedTxt(dkim.substring("liaison._domainkey.alex.example. IN TXT ".length())));
    }

    @Test
    void longTxtTextIsSplitIntoStringsOfAtMost255() {
        String quoted = DnsRecords.quoted(KEY.record());
        assertTrue(KEY.record().length() > 255);
        for (String part : quoted.split("\" \"")) {
            assertTrue(part.replace("\"", "").length() <= 255, part);
        }
        assertEquals(KEY.record(), joinedTxt(quoted));
    }

    @Test
    void aSmarthostIsAllowedBySpf() {
        var route = new LegacyRoute.Smarthost(new LegacySmarthost("smtp.provider.example", 587,
                LegacySmarthost.Security.STARTTLS, "", ""));
        assertEquals("v=spf1 mx a:smtp.provider.example ~all",
                new DnsRecords("alex.example", "alex.example", KEY, route).spf());
    }

    /**
     * {@code legacy.relay.host} may be an IP address: {@code a:} takes a domain only, so the record
     * names it by {@code ip4:}/{@code ip6:}, and jSPF (the MX's own SPF parser) reads every record
     * suggested without the permerror a receiver would give {@code a:192.0.2.10}.
     */
    @Test
    void aSmarthostGivenAsAnIpAddressIsAllowedByIp4OrIp6() throws Exception {
        var parser = new org.apache.james.jspf.parser.RFC4408SPF1Parser(
                new org.apache.james.jspf.impl.DefaultTermsFactory());
        String[][] cases = {
                {"192.0.2.10", "v=spf1 mx ip4:192.0.2.10 ~all"},
                {"[2001:db8::1]", "v=spf1 mx ip6:2001:db8::1 ~all"},
                {"smtp.provider.example", "v=spf1 mx a:smtp.provider.example ~all"}};
        for (String[] c : cases) {
            var route = new LegacyRoute.Smarthost(new LegacySmarthost(c[0], 25, LegacySmarthost.Security.NONE, "", ""));
            String spf = new DnsRecords("alex.example", "alex.example", KEY, route).spf();
            assertEquals(c[1], spf);
            parser.parse(spf); // a permerror throws
        }
        assertThrows(org.apache.james.jspf.core.exceptions.PermErrorException.class,
                () -> parser.parse("v=spf1 mx a:192.0.2.10 ~all"), "what was suggested before");
    }

    /** A TXT record's value as DKIM verifiers read it: its strings concatenated. */
    static String joinedTxt(String quotedStrings) {
        StringBuilder value = new StringBuilder();
        var m = java.util.regex.Pattern.compile("\"([^\"]*)\"").matcher(quotedStrings);
        while (m.find()) {
            value.append(m.group(1));
        }
        return value.toString();
    }
}
