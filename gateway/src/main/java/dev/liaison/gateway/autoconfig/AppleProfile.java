package dev.liaison.gateway.autoconfig;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * An Apple configuration profile ({@code .mobileconfig}) with one {@code com.apple.mail.managed}
 * payload for one user: IMAP and SMTP over implicit TLS (no STARTTLS downgrade to fear), password
 * authentication, the same password for both. Unsigned XML property list, and no password in it:
 * the device asks the user for it on installation.
 *
 * <p>The UUIDs are derived from the address, so downloading the profile again and installing it
 * replaces the earlier one instead of adding a second account.
 */
public final class AppleProfile {

    private AppleProfile() {
    }

    /** @param address an address on {@code servers.domain()}, already validated and lower-cased */
    public static byte[] render(MailServers servers, MailAddress address) {
        String uuid = uuid("account", address);
        StringBuilder plist = new StringBuilder(3072)
                .append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\"")
                .append(" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n")
                .append("<plist version=\"1.0\">\n<dict>\n")
                .append("  <key>PayloadContent</key>\n  <array>\n    <dict>\n");
        mailPayload(plist, servers, address, uuid);
        plist.append("    </dict>\n  </array>\n");
        string(plist, "  ", "PayloadDisplayName", "Mail on " + servers.domain());
        string(plist, "  ", "PayloadDescription", "Sets up " + address.text() + " (Liaison)");
        string(plist, "  ", "PayloadIdentifier", "dev.liaison.profile." + uuid("profile", address));
        plist.append("  <key>PayloadRemovalDisallowed</key>\n  <false/>\n");
        string(plist, "  ", "PayloadType", "Configuration");
        string(plist, "  ", "PayloadUUID", uuid("profile", address));
        plist.append("  <key>PayloadVersion</key>\n  <integer>1</integer>\n");
        plist.append("</dict>\n</plist>\n");
        return plist.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void mailPayload(StringBuilder plist, MailServers servers, MailAddress address, String uuid) {
        String in = "      ";
        string(plist, in, "EmailAccountDescription", address.text());
        string(plist, in, "EmailAccountType", "EmailTypeIMAP");
        string(plist, in, "EmailAddress", address.text());
        string(plist, in, "IncomingMailServerAuthentication", "EmailAuthPassword");
        string(plist, in, "IncomingMailServerHostName", servers.hostname());
        integer(plist, in, "IncomingMailServerPortNumber", servers.imapsPort());
        plist.append(in).append("<key>IncomingMailServerUseSSL</key>\n").append(in).append("<true/>\n");
        string(plist, in, "IncomingMailServerUsername", address.localPart());
        string(plist, in, "OutgoingMailServerAuthentication", "EmailAuthPassword");
        string(plist, in, "OutgoingMailServerHostName", servers.hostname());
        integer(plist, in, "OutgoingMailServerPortNumber", servers.submissionsPort());
        plist.append(in).append("<key>OutgoingMailServerUseSSL</key>\n").append(in).append("<true/>\n");
        string(plist, in, "OutgoingMailServerUsername", address.localPart());
        plist.append(in).append("<key>OutgoingPasswordSameAsIncomingPassword</key>\n").append(in).append("<true/>\n");
        string(plist, in, "PayloadDisplayName", "Mail (" + address.text() + ")");
        string(plist, in, "PayloadIdentifier", "dev.liaison.mail." + uuid);
        string(plist, in, "PayloadType", "com.apple.mail.managed");
        string(plist, in, "PayloadUUID", uuid);
        integer(plist, in, "PayloadVersion", 1);
    }

    private static void string(StringBuilder plist, String indent, String key, String value) {
        plist.append(indent).append("<key>").append(key).append("</key>\n")
                .append(indent).append("<string>").append(Xml.escape(value)).append("</string>\n");
    }

    private static void integer(StringBuilder plist, String indent, String key, int value) {
        plist.append(indent).append("<key>").append(key).append("</key>\n")
                .append(indent).append("<integer>").append(value).append("</integer>\n");
    }

    private static String uuid(String purpose, MailAddress address) {
        return UUID.nameUUIDFromBytes(("liaison-" + purpose + ":" + address.text()).getBytes(StandardCharsets.UTF_8))
                .toString().toUpperCase(java.util.Locale.ROOT);
    }
}
