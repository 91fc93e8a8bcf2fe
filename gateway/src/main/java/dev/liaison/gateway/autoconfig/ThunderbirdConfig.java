package dev.liaison.gateway.autoconfig;

import java.nio.charset.StandardCharsets;

/**
 * Thunderbird's autoconfiguration document ("config-v1.1.xml", the format documented at
 * wiki.mozilla.org/Thunderbird:Autoconfiguration:ConfigFileFormat), the same for every user: the
 * login is the address's local part ({@code %EMAILLOCALPART%}). Implicit TLS is listed before
 * STARTTLS, so a client that takes the first entry never starts in cleartext. The password is sent
 * as typed ({@code password-cleartext}), which is safe only because every entry is TLS.
 */
public final class ThunderbirdConfig {

    private ThunderbirdConfig() {
    }

    public static byte[] render(MailServers servers) {
        String domain = Xml.escape(servers.domain());
        StringBuilder xml = new StringBuilder(1536)
                .append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<clientConfig version=\"1.1\">\n")
                .append("  <emailProvider id=\"").append(domain).append("\">\n")
                .append("    <domain>").append(domain).append("</domain>\n")
                .append("    <displayName>Liaison (").append(domain).append(")</displayName>\n")
                .append("    <displayShortName>").append(domain).append("</displayShortName>\n");
        server(xml, "incomingServer", "imap", servers.hostname(), servers.imapsPort(), "SSL");
        server(xml, "incomingServer", "imap", servers.hostname(), servers.imapPort(), "STARTTLS");
        server(xml, "outgoingServer", "smtp", servers.hostname(), servers.submissionsPort(), "SSL");
        server(xml, "outgoingServer", "smtp", servers.hostname(), servers.submissionPort(), "STARTTLS");
        xml.append("  </emailProvider>\n</clientConfig>\n");
        return xml.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void server(StringBuilder xml, String element, String type, String host, int port, String socket) {
        xml.append("    <").append(element).append(" type=\"").append(type).append("\">\n")
                .append("      <hostname>").append(Xml.escape(host)).append("</hostname>\n")
                .append("      <port>").append(port).append("</port>\n")
                .append("      <socketType>").append(socket).append("</socketType>\n")
                .append("      <username>%EMAILLOCALPART%</username>\n")
                .append("      <authentication>password-cleartext</authentication>\n")
                .append("    </").append(element).append(">\n");
    }
}
