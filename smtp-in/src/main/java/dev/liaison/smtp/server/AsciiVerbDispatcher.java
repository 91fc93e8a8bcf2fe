package dev.liaison.smtp.server;

import org.apache.james.protocols.api.BaseRequest;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.handler.CommandDispatcher;
import org.apache.james.protocols.smtp.SMTPSession;

/**
 * James's dispatcher for a protocol whose command lines are read as UTF-8 ({@link
 * Utf8CommandsProtocol}): James upper-cases the verb with Java's case mapping, which turns
 * {@code maıl} (dotless i) into {@code MAIL} and {@code RſET} (long s) into {@code RSET}. A verb with
 * any octet outside ASCII is no command (RFC 5321 §4.1.1); it reaches the unknown-command handler
 * ({@code 500}), as Postfix answers it.
 */
final class AsciiVerbDispatcher extends CommandDispatcher<SMTPSession> {

    /** A name no handler is registered under. */
    static final String NOT_A_VERB = "NON-ASCII-VERB";

    @Override
    protected Request parseRequest(SMTPSession session, byte[] line) throws Exception {
        Request request = super.parseRequest(session, line);
        for (byte octet : line) {
            if (octet == ' ') {
                break;
            }
            if (octet < 0) {
                return new BaseRequest(NOT_A_VERB, request.getArgument());
            }
        }
        return request;
    }
}
