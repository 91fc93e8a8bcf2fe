package dev.liaison.smtp.server;

import dev.liaison.smtp.submission.SmtpSettings;
import org.apache.james.protocols.smtp.SMTPConfigurationImpl;

/**
 * What James's handlers ask the configuration, answered for a submission server: AUTH is offered
 * only once TLS is active (RFC 8314 §3 / STYLE "no cleartext auth"), relaying is never allowed by
 * address, EHLO/HELO comes first, paths need angle brackets.
 */
final class SubmissionConfiguration extends SMTPConfigurationImpl {

    private final SmtpSettings settings;

    SubmissionConfiguration(SmtpSettings settings) {
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
        return settings.hostname() + " ESMTP Liaison submission ready";
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
        return tlsStarted;
    }

    @Override
    public boolean isRelayingAllowed(String remoteIP) {
        return false;
    }
}
