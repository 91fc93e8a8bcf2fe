package dev.liaison.smtp.server;

import java.util.List;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.esmtp.EhloCmdHandler;

/**
 * James's EHLO with a well-formed first line: James 3.8.1 writes
 * {@code 250-host Hello name [ip])} with an unbalanced parenthesis; the keyword lines after it are
 * James's unchanged.
 */
final class WellFormedEhloCmdHandler extends EhloCmdHandler {

    WellFormedEhloCmdHandler(MetricFactory metrics) {
        super(metrics);
    }

    @Override
    protected Response doCoreCmd(SMTPSession session, String command, String parameters) {
        Response james = super.doCoreCmd(session, command, parameters);
        List<CharSequence> lines = james.getLines();
        SMTPResponse reply = new SMTPResponse(james.getRetCode(), hello(session, parameters));
        for (CharSequence line : lines.subList(1, lines.size())) {
            reply.appendLine(line.subSequence(4, line.length()));
        }
        return reply;
    }

    /** The text of the reply's first line: {@code host Hello name [ip]}. */
    static String hello(SMTPSession session, String name) {
        return session.getConfiguration().getHelloName() + " Hello " + name + " ["
                + session.getRemoteAddress().getAddress().getHostAddress() + "]";
    }
}
