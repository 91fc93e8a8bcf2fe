package dev.liaison.smtp.server;

import dev.liaison.smtp.inbound.InboundSettings;
import org.apache.james.protocols.smtp.SMTPConfigurationImpl;

/**
 * What James's handlers ask the configuration, answered for the inbound MX: AUTH is never
 * announced, relaying is never allowed by address, EHLO/HELO comes first, paths need angle
 * brackets.
 */
final class InboundConfiguration extends SMTPConfigurationImpl {

    private final InboundSettings settings;

    InboundConfiguration(InboundSettings settings) {
        this.settings = settings;
        setHeloEhloEnforcement(true);
        setUseAddressBracketsEnforcement(true);
    }

    @Override
    public String getHelloName() {
        return settings.hostname();
    }

    @Override
    public String getGreeting() {
        return settings.hostname() + " ESMTP Liaison";
    }

    @Override
    public String getSoftwareName() {
        return "Liaison";
    }

    @Override
    public long getMaxMessageSize() {
        return settings.limits().maxMessageOctets();
    }

    @Override
    public boolean isAuthAnnounced(String remoteIP, boolean tlsStarted) {
        return false;
    }

    @Override
    public boolean isRelayingAllowed(String remoteIP) {
        return false;
    }
}
