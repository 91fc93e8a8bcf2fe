package dev.liaison.smtp.server;

import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.HeloCmdHandler;

/**
 * James's HELO with a well-formed reply: James 3.8.1 writes {@code 250 host Hello name [ip])} with
 * an unbalanced parenthesis, as in its EHLO ({@link WellFormedEhloCmdHandler}); what HELO does to
 * the session is James's unchanged.
 */
final class WellFormedHeloCmdHandler extends HeloCmdHandler {

    WellFormedHeloCmdHandler(MetricFactory metrics) {
        super(metrics);
    }

    @Override
    protected Response doCoreCmd(SMTPSession session, String command, String parameters) {
        Response james = super.doCoreCmd(session, command, parameters);
        return new SMTPResponse(james.getRetCode(), WellFormedEhloCmdHandler.hello(session, parameters));
    }
}
