package dev.liaison.smtp.auth;

import java.util.Collection;
import java.util.List;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.CommandHandler;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPSession;

/**
 * AUTH on the inbound MX: never offered, never run, with or without TLS. Port 25 takes mail for
 * this gateway's own addresses from anyone; accepting credentials there would invite password
 * guessing and, once some login worked, relaying. {@code 502} because the command is not
 * implemented on this service (RFC 5321 §4.2.4); the text points clients to submission.
 */
public final class AuthNotOfferedCmdHandler implements CommandHandler<SMTPSession> {

    private static final Response NOT_OFFERED = new SMTPResponse("502",
            "5.5.1 AUTH is not offered here: this server only receives mail for its own domains;"
                    + " mail clients submit on the submission port").immutable();

    @Override
    public Response onCommand(SMTPSession session, Request request) {
        return NOT_OFFERED;
    }

    @Override
    public Collection<String> getImplCommands() {
        return List.of("AUTH");
    }
}
