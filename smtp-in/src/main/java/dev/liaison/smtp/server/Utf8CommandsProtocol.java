package dev.liaison.smtp.server;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.ProtocolTransport;
import org.apache.james.protocols.api.handler.ProtocolHandlerChain;
import org.apache.james.protocols.smtp.SMTPConfiguration;
import org.apache.james.protocols.smtp.SMTPProtocol;
import org.apache.james.protocols.smtp.SMTPSessionImpl;

/**
 * The inbound MX's protocol: its command lines are read as UTF-8, not James's US-ASCII, because
 * with SMTPUTF8 (RFC 6531 §3.3) a MAIL FROM path may carry UTF-8 text. ASCII reads the same either
 * way; octets that are not UTF-8 become U+FFFD, which the path parser refuses, as it refuses every
 * non-ASCII path without SMTPUTF8. Replies stay ASCII (James writes them so).
 */
final class Utf8CommandsProtocol extends SMTPProtocol {

    Utf8CommandsProtocol(ProtocolHandlerChain chain, SMTPConfiguration config) {
        super(chain, config);
    }

    @Override
    public ProtocolSession newSession(ProtocolTransport transport) {
        return new SMTPSessionImpl(transport, (SMTPConfiguration) getConfiguration()) {
            @Override
            public Charset getCharset() {
                return StandardCharsets.UTF_8;
            }
        };
    }
}
