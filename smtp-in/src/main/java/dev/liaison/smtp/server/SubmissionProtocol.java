package dev.liaison.smtp.server;

import dev.liaison.smtp.auth.AuthThrottle;
import dev.liaison.smtp.auth.StartTlsCmdHandlerForgettingHello;
import dev.liaison.smtp.auth.SubmissionAuthHook;
import dev.liaison.smtp.auth.TlsRequiredAuthCmdHandler;
import dev.liaison.smtp.envelope.MaxRecipientsHook;
import dev.liaison.smtp.envelope.RecipientIsOwnAliasHook;
import dev.liaison.smtp.envelope.SmtpService;
import dev.liaison.smtp.envelope.StrictMailCmdHandler;
import dev.liaison.smtp.envelope.StrictRcptCmdHandler;
import dev.liaison.smtp.message.MessageAssembler;
import dev.liaison.smtp.message.MessageWithinLimitsHook;
import dev.liaison.smtp.message.SizeExtension;
import dev.liaison.smtp.message.SubmissionCommitHook;
import dev.liaison.smtp.message.TransactionLog;
import dev.liaison.smtp.submission.Limits;
import dev.liaison.smtp.submission.SmtpSettings;
import dev.liaison.smtp.submission.SubmissionServices;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.handler.CommandDispatcher;
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
 * The James handler chain of the submission service, built explicitly rather than from James's
 * defaults: the defaults would add {@code PostmasterAbuseRcptHook} (accepts postmaster@ from
 * anyone), VRFY/EXPN, a lenient SIZE handler and the lenient MAIL/RCPT parsers. Order matters where
 * James iterates: DATA line filters and message hooks run in the order added.
 */
final class SubmissionProtocol {

    private SubmissionProtocol() {
    }

    static SMTPProtocol create(SmtpSettings settings, SubmissionServices services, MessageAssembler assembler,
                               AuthThrottle throttle)
            throws WiringException {
        Limits limits = settings.limits();
        MetricFactory metrics = new SilentMetricFactory();
        TransactionLog transactions = new TransactionLog(services.events());
        SMTPProtocolHandlerChain chain = new SMTPProtocolHandlerChain(metrics, false);
        chain.add(new CommandDispatcher<SMTPSession>());
        chain.add(new WelcomeMessageHandler());
        chain.add(new SessionEvents(services.events()::sessionOpened, services.events()::sessionClosed));
        chain.add(new WellFormedEhloCmdHandler(metrics));
        chain.add(new WellFormedHeloCmdHandler(metrics));
        chain.add(new StartTlsCmdHandlerForgettingHello());
        chain.add(new SizeExtension(limits));
        // Added before its hook so the chain does not add James's plain AuthCmdHandler as well.
        chain.add(new TlsRequiredAuthCmdHandler());
        chain.add(new SubmissionAuthHook(services.authenticator(), throttle, services.events()));
        chain.add(new StrictMailCmdHandler(metrics, limits, SmtpService.SUBMISSION, assembler.room(transactions)));
        chain.add(new StrictRcptCmdHandler(metrics, SmtpService.SUBMISSION));
        chain.add(new MaxRecipientsHook(limits));
        chain.add(new RecipientIsOwnAliasHook(services.recipients(), services.events()));
        chain.add(new DataCmdHandler(metrics));
        chain.add(assembler);
        chain.add(new DataLineMessageHookHandler());
        chain.add(new MessageWithinLimitsHook(transactions));
        chain.add(new SubmissionCommitHook(services.handler(), settings.hostname(), services.clock(), transactions));
        chain.add(new RsetCmdHandler());
        chain.add(new VrfyCmdHandler()); // RFC 5321 §4.5.1 wants VRFY answered: 502 5.3.3, never who exists
        chain.add(new ExpnCmdHandler());
        chain.add(new NoopCmdHandler());
        chain.add(new QuitCmdHandler(metrics));
        chain.add(new UnknownCmdHandler(metrics));
        chain.wireExtensibleHandlers();
        return new SMTPProtocol(chain,
                ListenerConfiguration.submission(settings.hostname(), settings.limits().maxMessageOctets()));
    }
}
