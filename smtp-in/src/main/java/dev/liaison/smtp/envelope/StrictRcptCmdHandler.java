package dev.liaison.smtp.envelope;

import dev.liaison.smtp.address.AddressRefusedException;
import dev.liaison.smtp.address.EmailAddress;
import dev.liaison.smtp.address.PathParser;
import dev.liaison.smtp.auth.SessionUser;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.james.core.MailAddress;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.RcptCmdHandler;

/**
 * RCPT TO with the path parsed by {@link PathParser} and no parameters (none is advertised); for
 * submission only after AUTH ({@code 530 5.7.0}). The {@code RcptHook}s then decide; a recipient
 * is added only if the service's recipient hook ({@link RecipientIsOwnAliasHook} or
 * {@link RecipientIsServedHook}) approved that very address. James would add it whenever no hook
 * objected, so the approval check in {@link #doCoreCmd} keeps a wiring mistake from turning into
 * an open relay.
 */
public final class StrictRcptCmdHandler extends RcptCmdHandler {

    private static final Response AUTH_REQUIRED = fixed("530", "5.7.0 Authentication required");
    private static final Response MAIL_FIRST = fixed("503", "5.5.1 Send MAIL FROM first");
    private static final Response USAGE = fixed("501", "5.5.4 Usage: RCPT TO:<address>");
    private static final Response NULL_PATH = fixed("501", "5.1.3 RCPT TO:<> is not a recipient");
    private static final Response NO_PARAMETERS = fixed("555", "5.5.4 RCPT parameters are not supported");
    /** RFC 6531 allows a UTF-8 forward-path, but every address served here is ASCII (an alias). */
    private static final Response NO_SUCH_UTF8_ADDRESS = fixed("550",
            "5.1.1 No such address here: every address this server takes mail for is ASCII");
    private static final Response NOT_APPROVED = fixed("550", "5.7.1 Relaying denied");

    private final SmtpService service;
    private final Optional<String> postmasterDomain;

    public StrictRcptCmdHandler(MetricFactory metrics, SmtpService service) {
        this(metrics, service, Optional.empty());
    }

    /**
     * @param postmasterDomain where {@code RCPT TO:<Postmaster>}, without a domain, is addressed
     *                         (RFC 5321 §4.1.1.3 and §4.5.1: a server that delivers must take it);
     *                         empty: such a path is malformed, as on submission
     */
    public StrictRcptCmdHandler(MetricFactory metrics, SmtpService service, Optional<String> postmasterDomain) {
        super(metrics);
        this.service = service;
        this.postmasterDomain = postmasterDomain;
    }

    @Override
    protected Response doFilterChecks(SMTPSession session, String command, String argument) {
        if (service.requiresAuthentication() && SessionUser.of(session).isEmpty()) {
            return AUTH_REQUIRED;
        }
        if (EnvelopeState.sender(session).isEmpty()) {
            return MAIL_FIRST;
        }
        Optional<PathArgument> parsed = PathArgument.parse(argument, "TO");
        if (parsed.isEmpty()) {
            return USAGE;
        }
        if (parsed.get().path().isEmpty()) {
            return NULL_PATH;
        }
        if (!parsed.get().parameters().isEmpty()) {
            return NO_PARAMETERS;
        }
        try {
            String path = parsed.get().path();
            if (postmasterDomain.isPresent() && path.equalsIgnoreCase("postmaster")) {
                path = "postmaster@" + postmasterDomain.get();
            }
            EmailAddress recipient = PathParser.parseMailbox(path);
            session.setAttachment(CURRENT_RECIPIENT, new MailAddress(recipient.toString()), State.Transaction);
            EnvelopeState.setCandidate(session, recipient);
            return null;
        } catch (AddressRefusedException refused) {
            if (refused.reason() == AddressRefusedException.Reason.NON_ASCII && EnvelopeState.smtpUtf8(session)) {
                return NO_SUCH_UTF8_ADDRESS; // a well-formed request under SMTPUTF8: there is simply no such mailbox
            }
            return AddressReplies.forRecipient(refused);
        } catch (javax.mail.internet.AddressException jamesRefused) {
            return new SMTPResponse("553", "5.1.3 Recipient address refused: " + jamesRefused.getMessage());
        }
    }

    @Override
    protected Response doCoreCmd(SMTPSession session, String command, String parameters) {
        Optional<EmailAddress> candidate = EnvelopeState.candidate(session);
        if (candidate.isEmpty() || !EnvelopeState.isApproved(session, candidate.get())) {
            return NOT_APPROVED;
        }
        EnvelopeState.addRecipient(session, candidate.get());
        keepJamesListInStep(session);
        return new SMTPResponse("250", "2.1.5 Recipient <" + candidate.get() + "> OK");
    }

    /** James's DATA command reads its own recipient list; it mirrors the approved one. */
    private static void keepJamesListInStep(SMTPSession session) {
        List<MailAddress> jamesList = new ArrayList<>(EnvelopeState.recipients(session).size());
        for (EmailAddress recipient : EnvelopeState.recipients(session)) {
            try {
                jamesList.add(new MailAddress(recipient.toString()));
            } catch (javax.mail.internet.AddressException e) {
                throw new IllegalStateException("James refused an address it accepted at RCPT: " + recipient, e);
            }
        }
        session.setAttachment(SMTPSession.RCPT_LIST, jamesList, State.Transaction);
    }

    private static Response fixed(String code, String text) {
        return new SMTPResponse(code, text).immutable();
    }
}
