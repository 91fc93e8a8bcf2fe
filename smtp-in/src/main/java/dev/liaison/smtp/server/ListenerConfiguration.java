package dev.liaison.smtp.server;

import org.apache.james.protocols.smtp.SMTPConfigurationImpl;

/**
 * What James's handlers ask the configuration, answered for one of the two SMTP services: relaying
 * is never allowed by address, EHLO/HELO comes first, paths need angle brackets. They differ in their
 * greeting and in AUTH: the submission service offers it once TLS is active (RFC 8314 §3, never in
 * clear text), the inbound MX never.
 */
final class ListenerConfiguration extends SMTPConfigurationImpl {

    private final String hostname;
    private final String greeting;
    private final long maxMessageOctets;
    private final boolean offersAuth;

    private ListenerConfiguration(String hostname, String greeting, long maxMessageOctets, boolean offersAuth) {
        this.hostname = hostname;
        this.greeting = greeting;
        this.maxMessageOctets = maxMessageOctets;
        this.offersAuth = offersAuth;
        setHeloEhloEnforcement(true);
        setUseAddressBracketsEnforcement(true);
    }

    static ListenerConfiguration submission(String hostname, long maxMessageOctets) {
        return new ListenerConfiguration(hostname, hostname + " ESMTP Liaison submission ready", maxMessageOctets, true);
    }

    static ListenerConfiguration inbound(String hostname, long maxMessageOctets) {
        return new ListenerConfiguration(hostname, hostname + " ESMTP Liaison", maxMessageOctets, false);
    }

    @Override
    public String getHelloName() {
        return hostname;
    }

    @Override
    public String getGreeting() {
        return greeting;
    }

    @Override
    public String getSoftwareName() {
        return "Liaison";
    }

    @Override
    public long getMaxMessageSize() {
        return maxMessageOctets;
    }

    @Override
    public boolean isAuthAnnounced(String remoteIP, boolean tlsStarted) {
        return offersAuth && tlsStarted;
    }

    @Override
    public boolean isRelayingAllowed(String remoteIP) {
        return false;
    }
}
