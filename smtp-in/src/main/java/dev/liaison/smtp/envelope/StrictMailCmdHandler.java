package dev.liaison.smtp.envelope;

import dev.liaison.smtp.address.AddressRefusedException;
import dev.liaison.smtp.address.EmailAddress;
import dev.liaison.smtp.address.PathParser;
import dev.liaison.smtp.auth.SessionUser;
import dev.liaison.smtp.submission.Limits;
import dev.liaison.smtp.submission.ReversePath;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPRetCode;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.MailCmdHandler;

/**
 * MAIL FROM with the path parsed by {@link PathParser} instead of James's lenient parser (which
 * silently strips source routes), and only the parameters the server advertises: {@code SIZE}
 * (RFC 1870, checked against the limit up front), {@code BODY} (RFC 6152), for submission
 * only {@code AUTH} (RFC 4954 §5, ignored) and for the inbound MX only {@code SMTPUTF8} (RFC 6531
 * §3.4: with it, the reverse-path may have a UTF-8 local part), each at most once: a second {@code SIZE=} or
 * {@code BODY=} would leave which one counts to the server's reading (the limit checked against one
 * value, the message held to another), so the command is refused as malformed, {@code 501 5.5.4},
 * and changes nothing. Submission needs AUTH first ({@code 530 5.7.0},
 * RFC 4954 §6); the inbound MX takes MAIL from anyone.
 */
public final class StrictMailCmdHandler extends MailCmdHandler {

    private static final Response AUTH_REQUIRED = fixed("530", "5.7.0 Authentication required");
    private static final Response SENDER_ALREADY_GIVEN = fixed("503", "5.5.1 Sender already specified");
    private static final Response HELLO_FIRST = fixed("503", "5.5.1 Send EHLO first");
    private static final Response USAGE = fixed("501", "5.5.4 Usage: MAIL FROM:<address> [SIZE=n] [BODY=8BITMIME]");
    private static final Response BAD_SIZE = fixed("501", "5.5.4 SIZE must be a decimal number of octets");
    /** RFC 1870 §6.2: insufficient storage now; the client tries again later. */
    private static final Response NO_ROOM_NOW = fixed("452",
            "4.3.1 Too many messages are being received at once; try again later");

    private final Limits limits;
    private final SmtpService service;
    private final MessageRoom room;

    public StrictMailCmdHandler(MetricFactory metrics, Limits limits, SmtpService service) {
        this(metrics, limits, service, MessageRoom.ANY);
    }

    /** @param room asked for a declared {@code SIZE}: {@code 452 4.3.1} when the server cannot hold it now */
    public StrictMailCmdHandler(MetricFactory metrics, Limits limits, SmtpService service, MessageRoom room) {
        super(metrics);
        this.limits = limits;
        this.service = service;
        this.room = room;
    }

    /**
     * A MAIL inside a transaction is refused here, before James's handling: RFC 5321 §4.1.4 makes
     * it a sequence error that leaves the transaction as it was, but James (and the clean-up below)
     * drops the sender on any refusal, which would leave the client's recipients without one.
     */
    @Override
    public Response onCommand(SMTPSession session, Request request) {
        if (session.getAttachment(SMTPSession.SENDER, State.Transaction).isPresent()) {
            return SENDER_ALREADY_GIVEN;
        }
        Response response = super.onCommand(session, request);
        if (!SMTPRetCode.MAIL_OK.equals(response.getRetCode())) {
            EnvelopeState.clearSender(session);
        }
        return response;
    }

    @Override
    protected Response doFilterChecks(SMTPSession session, String command, String argument) {
        if (service.requiresAuthentication() && SessionUser.of(session).isEmpty()) {
            return AUTH_REQUIRED;
        }
        if (session.getAttachment(SMTPSession.CURRENT_HELO_MODE, State.Connection).isEmpty()) {
            return HELLO_FIRST;
        }
        Optional<PathArgument> parsed = PathArgument.parse(argument, "FROM");
        if (parsed.isEmpty()) {
            return USAGE;
        }
        Response parameterProblem = checkParameters(parsed.get());
        if (parameterProblem != null) {
            return parameterProblem;
        }
        OptionalLong size = declaredSize(parsed.get());
        if (size.isPresent() && !room.hasRoomFor(session, size.getAsLong())) {
            return NO_ROOM_NOW;
        }
        boolean smtpUtf8 = hasParameter(parsed.get(), "SMTPUTF8");
        Response refused = acceptSender(session, parsed.get().path(), smtpUtf8);
        if (refused == null) {
            EnvelopeState.setDeclaredSize(session, size);
            EnvelopeState.setSmtpUtf8(session, smtpUtf8);
        }
        return refused;
    }

    /** James's reply would name the sender it keeps, which for a UTF-8 sender is none. */
    @Override
    protected Response doCoreCmd(SMTPSession session, String command, String parameters) {
        return EnvelopeState.sender(session).orElse(ReversePath.NULL) instanceof ReversePath.International
                ? new SMTPResponse(SMTPRetCode.MAIL_OK, "2.1.0 Sender OK") : super.doCoreCmd(session, command, parameters);
    }

    private static boolean hasParameter(PathArgument argument, String keyword) {
        return argument.parameters().stream().anyMatch(keyword::equalsIgnoreCase);
    }

    private Response acceptSender(SMTPSession session, String path, boolean smtpUtf8) {
        if (smtpUtf8 && !path.chars().allMatch(c -> c < 0x80)) {
            return acceptInternationalSender(session, path);
        }
        if (path.isEmpty()) {
            session.setAttachment(SMTPSession.SENDER, MaybeSender.nullSender(), State.Transaction);
            EnvelopeState.setSender(session, ReversePath.NULL);
            return null;
        }
        try {
            EmailAddress address = PathParser.parseMailbox(path);
            session.setAttachment(SMTPSession.SENDER, MaybeSender.of(new MailAddress(address.toString())),
                    State.Transaction);
            EnvelopeState.setSender(session, new ReversePath.Mailbox(address));
            return null;
        } catch (AddressRefusedException refused) {
            return AddressReplies.forSender(refused);
        } catch (javax.mail.internet.AddressException jamesRefused) {
            return new SMTPResponse("553", "5.1.7 Sender address refused: " + jamesRefused.getMessage());
        }
    }

    /**
     * RFC 6531 §3.3: a UTF-8 reverse-path. James's own copy of the sender (which it checks only for
     * presence) is the null sender: its address type takes ASCII only.
     */
    private static Response acceptInternationalSender(SMTPSession session, String path) {
        try {
            ReversePath sender = new ReversePath.International(PathParser.parseInternationalMailbox(path));
            session.setAttachment(SMTPSession.SENDER, MaybeSender.nullSender(), State.Transaction);
            EnvelopeState.setSender(session, sender);
            return null;
        } catch (AddressRefusedException refused) {
            return AddressReplies.forSender(refused);
        }
    }

    /** Returns the reply for the first unacceptable parameter, or {@code null}. */
    private Response checkParameters(PathArgument argument) {
        Set<String> seen = new HashSet<>();
        for (String parameter : argument.parameters()) {
            int equals = parameter.indexOf('=');
            String keyword = (equals < 0 ? parameter : parameter.substring(0, equals)).toUpperCase(Locale.ROOT);
            String value = equals < 0 ? "" : parameter.substring(equals + 1);
            Response problem = !seen.add(keyword) ? new SMTPResponse("501", "5.5.4 MAIL parameter " + keyword
                    + " given more than once") : switch (keyword) {
                case "SIZE" -> checkSize(value);
                case "BODY" -> value.equalsIgnoreCase("7BIT") || value.equalsIgnoreCase("8BITMIME")
                        ? null : new SMTPResponse("501", "5.5.4 BODY must be 7BIT or 8BITMIME");
                case "AUTH" -> service == SmtpService.SUBMISSION ? null : unsupported(keyword);
                case "SMTPUTF8" -> service != SmtpService.INBOUND ? unsupported(keyword)
                        : equals < 0 ? null : new SMTPResponse("501", "5.5.4 SMTPUTF8 takes no value (RFC 6531 section 3.4)");
                default -> unsupported(keyword);
            };
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    /** The SIZE parameter's value, already checked by {@link #checkParameters}. */
    private static OptionalLong declaredSize(PathArgument argument) {
        for (String parameter : argument.parameters()) {
            if (parameter.regionMatches(true, 0, "SIZE=", 0, 5)) {
                return OptionalLong.of(Long.parseLong(parameter.substring(5)));
            }
        }
        return OptionalLong.empty();
    }

    private static Response unsupported(String keyword) {
        return new SMTPResponse("555", "5.5.4 MAIL parameter " + keyword + " is not supported");
    }

    private Response checkSize(String value) {
        if (!value.matches("[0-9]{1,18}")) {
            return BAD_SIZE;
        }
        long declared = Long.parseLong(value);
        if (declared > limits.maxMessageOctets()) {
            return new SMTPResponse("552", "5.3.4 Message size " + declared + " exceeds the limit of "
                    + limits.maxMessageOctets() + " octets");
        }
        return null;
    }

    private static Response fixed(String code, String text) {
        return new SMTPResponse(code, text).immutable();
    }
}
