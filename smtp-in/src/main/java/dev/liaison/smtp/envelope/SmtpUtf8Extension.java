package dev.liaison.smtp.envelope;

import java.util.List;
import org.apache.james.protocols.api.handler.ProtocolHandler;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.esmtp.EhloExtension;

/**
 * Advertises {@code SMTPUTF8} (RFC 6531) at the inbound MX: large senders write RFC 6532 UTF-8
 * header text (a raw {@code Subject: Grüße}, a UTF-8 display name) only to servers that offer it,
 * and otherwise bounce or downgrade. {@link StrictMailCmdHandler} takes the MAIL parameter;
 * the message's header is checked to be UTF-8 as it streams in.
 */
public final class SmtpUtf8Extension implements EhloExtension, ProtocolHandler {

    private static final List<String> FEATURES = List.of("SMTPUTF8");

    @Override
    public List<String> getImplementedEsmtpFeatures(SMTPSession session) {
        return FEATURES;
    }
}
