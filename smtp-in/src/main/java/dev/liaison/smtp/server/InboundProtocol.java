package dev.liaison.smtp.server;

import dev.liaison.smtp.auth.AuthNotOfferedCmdHandler;
import dev.liaison.smtp.auth.StartTlsCmdHandlerForgettingHello;
import dev.liaison.smtp.authentication.SenderAuthenticator;
import dev.liaison.smtp.envelope.MaxRecipientsHook;
import dev.liaison.smtp.envelope.RecipientIsServedHook;
import dev.liaison.smtp.envelope.SmtpService;
import dev.liaison.smtp.envelope.SmtpUtf8Extension;
import dev.liaison.smtp.envelope.StrictMailCmdHandler;
import dev.liaison.smtp.envelope.StrictRcptCmdHandler;
import dev.liaison.smtp.inbound.InboundServices;
import dev.liaison.smtp.inbound.InboundSettings;
import dev.liaison.smtp.message.InboundCommitHook;
import dev.liaison.smtp.message.InboundTransactionLog;
import dev.liaison.smtp.message.MessageAssembler;
import dev.liaison.smtp.message.MessageWithinLimitsHook;
import dev.liaison.smtp.message.SizeExtension;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.handler.WiringException;
import org.apache.james.protocols.smtp.SMTPProtocol;
import org.apache.james.protocols.smtp.SMTPProtocolHandlerChain;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.DataCmdHandler;
import org.apache.james.protocols.smtp.core.DataLineMessageHookHandler;
import org.apache.james.protocols.smtp.core.NoopCmdHandler;
import org.apache.james.protocols.smtp.core.QuitCmdHandler;
import org.apache.james.protocols.smtp.core.ExpnCmdHandler;
import org.apache.james.protocols.smtp.core.RsetCmdHandler;
import org.apache.james.protocols.smtp.core.UnknownCmdHandler;
import org.apache.james.protocols.smtp.core.VrfyCmdHandler;
import org.apache.james.protocols.smtp.core.WelcomeMessageHandler;

/**
 * The James handler chain of the inbound MX, built explicitly for the same reasons as
 * {@link SubmissionProtocol}'s, from the same strict parts; it differs in four places: AUTH is
 * answered {@code 502} and never run, SMTPUTF8 is offered (command lines read as UTF-8), RCPT is decided by {@link RecipientIsServedHook} (own domains
 * only, then gateway's policy), and the end of DATA authenticates the sender before the handler is
 * asked ({@link InboundCommitHook}). Order matters where James iterates: DATA line filters and
 * message hooks run in the order added.
 */
final class InboundProtocol {

    private InboundProtocol() {
    }

    static SMTPProtocol create(InboundSettings settings, InboundServices services, MessageAssembler assembler)
            throws WiringException {
        MetricFactory metrics = new SilentMetricFactory();
        InboundTransactionLog transactions = new InboundTransactionLog(services.events());
        SMTPProtocolHandlerChain chain = new SMTPProtocolHandlerChain(metrics, false);
        chain.add(new AsciiVerbDispatcher()); // command lines are UTF-8 here: no verb made ASCII by case mapping
        chain.add(new WelcomeMessageHandler());
        chain.add(new SessionEvents(services.events()::sessionOpened, services.events()::sessionClosed));
        chain.add(new WellFormedEhloCmdHandler(metrics));
        chain.add(new WellFormedHeloCmdHandler(metrics));
        chain.add(new StartTlsCmdHandlerForgettingHello());
        chain.add(new SizeExtension(settings.limits()));
        chain.add(new SmtpUtf8Extension());
        chain.add(new AuthNotOfferedCmdHandler());
        chain.add(new StrictMailCmdHandler(metrics, settings.limits(), SmtpService.INBOUND, assembler.room(transactions)));
        chain.add(new StrictRcptCmdHandler(metrics, SmtpService.INBOUND,
                settings.domains().stream().sorted().findFirst())); // <Postmaster> is the first domain's
        chain.add(new MaxRecipientsHook(settings.limits()));
        chain.add(new RecipientIsServedHook(settings.domains(), services.recipients(), services.events()));
        chain.add(new DataCmdHandler(metrics));
        chain.add(assembler);
        chain.add(new DataLineMessageHookHandler());
        chain.add(new MessageWithinLimitsHook(transactions));
        chain.add(new InboundCommitHook(services.handler(),
                new SenderAuthenticator(services.dns(), settings.senderChecks(), settings.hostname()),
                settings.hostname(), services.clock(), transactions));
        chain.add(new RsetCmdHandler());
        chain.add(new VrfyCmdHandler()); // RFC 5321 §4.5.1 wants VRFY answered: 502 5.3.3, never who exists
        chain.add(new ExpnCmdHandler());
        chain.add(new NoopCmdHandler());
        chain.add(new QuitCmdHandler(metrics));
        chain.add(new UnknownCmdHandler(metrics));
        chain.wireExtensibleHandlers();
        return new Utf8CommandsProtocol(chain,
                ListenerConfiguration.inbound(settings.hostname(), settings.limits().maxMessageOctets()));
    }
}
