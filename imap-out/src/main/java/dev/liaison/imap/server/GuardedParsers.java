package dev.liaison.imap.server;

import io.netty.buffer.ByteBuf;
import org.apache.james.imap.api.Tag;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.decode.ImapCommandParser;
import org.apache.james.imap.decode.DecodingException;
import org.apache.james.imap.decode.ImapCommandParserFactory;
import org.apache.james.imap.decode.ImapDecoder;
import org.apache.james.imap.decode.ImapRequestLineReader;
import org.apache.james.imap.decode.main.DefaultImapDecoder;
import org.apache.james.imap.decode.parser.ImapParserFactory;
import org.apache.james.imap.message.response.UnpooledStatusResponseFactory;
import org.apache.james.imapserver.netty.NettyImapRequestLineReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Optional;

/**
 * James's command parsers, each behind a guard: a parser that fails in a way James does not
 * expect answers the command {@code BAD} (RFC 3501 §7.1.3) instead of dropping the connection.
 * The case that matters: a folder name with an {@code &} that is not valid modified UTF-7 (RFC
 * 3501 §5.1.3) makes James's decoder throw {@link Error}; deeply nested input can overflow the
 * stack of its recursive descent. What a parser accepts and the protocol does not, a system flag
 * that does not exist, is refused here too ({@link SystemFlags}). LIST's parser is James's with
 * RFC 5258's list of patterns ({@link ExtendedList.Parser}).
 */
final class GuardedParsers implements ImapCommandParserFactory {

    private static final Logger LOG = LoggerFactory.getLogger(GuardedParsers.class);
    private static final HumanReadableText MALFORMED_FOLDER = new HumanReadableText(
            "org.apache.james.imap.ILLEGAL_ARGUMENTS",
            "failed. Malformed arguments (a folder name must be valid modified UTF-7, RFC 3501 5.1.3).");
    private static final HumanReadableText MALFORMED = new HumanReadableText("org.apache.james.imap.ILLEGAL_ARGUMENTS",
            "failed. Malformed arguments; check the command's syntax (RFC 9051 9).");
    /** Commands that name folders: only their refusals mention folder names (LOGIN's must not). */
    private static final java.util.Set<String> NAMING_FOLDERS = java.util.Set.of("SELECT", "EXAMINE", "CREATE",
            "DELETE", "RENAME", "SUBSCRIBE", "UNSUBSCRIBE", "LIST", "LSUB", "XLIST", "STATUS", "APPEND", "COPY", "MOVE",
            "UID");
    private static final HumanReadableText MALFORMED_SIZE = new HumanReadableText("org.apache.james.imap.ILLEGAL_ARGUMENTS",
            "failed. A literal's size must be a number of octets (RFC 9051 4.3).");
    private static final HumanReadableText TOO_DEEP = new HumanReadableText("org.apache.james.imap.ILLEGAL_ARGUMENTS",
            "failed. Arguments nested too deeply; nest less.");

    private final ImapCommandParserFactory parsers;
    private final StatusResponseFactory responses;

    private GuardedParsers(ImapCommandParserFactory parsers, StatusResponseFactory responses) {
        this.parsers = parsers;
        this.responses = responses;
    }

    static ImapDecoder decoder() {
        StatusResponseFactory responses = new UnpooledStatusResponseFactory();
        ImapDecoder james = new DefaultImapDecoder(responses, new GuardedParsers(new ImapParserFactory(responses), responses));
        return (request, session) -> {
            // A command James does not know never reaches a parser of ours: its literal is read away here
            Optional<LiteralLimit.Announced> literal = LiteralLimit.announced(request);
            int start = LiteralLimit.buffer(request).map(ByteBuf::readerIndex).orElse(-1);
            org.apache.james.imap.api.ImapMessage message;
            try {
                message = james.decode(request, session);
            } catch (NettyImapRequestLineReader.NotEnoughDataException e) {
                return LiteralContinuations.waiting(request, session, start, e, responses).orElseThrow(() -> e);
            }
            LiteralContinuations.decoded(session);
            if (literal.isPresent() && refusedBefore(message, request, literal.get())) {
                if (literal.get().malformed() || literal.get().octets()
                        > Math.min(Limits.IN_MEMORY_LITERAL_OCTETS, LiteralLimit.allowedOctets(session))) {
                    session.setAttribute(ProcessorChain.CLOSE_AFTER_ANSWER, Boolean.TRUE); // not read: still arriving, or of no known length
                } else {
                    skipLiterals(request, session, literal.get());
                }
            }
            return message;
        };
    }

    @Override
    public ImapCommandParser getParser(String commandName) {
        String command = commandName == null ? "" : commandName.toUpperCase(java.util.Locale.ROOT);
        // LIST's parser keeps the patterns it read, so each command gets one of its own
        ImapCommandParser parser = command.equals("LIST")
                ? (request, tag, session) -> new ExtendedList.Parser(responses).parse(request, tag, session)
                : parsers.getParser(commandName);
        HumanReadableText malformed = NAMING_FOLDERS.contains(command) ? MALFORMED_FOLDER : MALFORMED;
        boolean namesNewFolders = command.equals("CREATE") || command.equals("RENAME");
        return parser == null ? null : (request, tag, session) -> namesNewFolders
                ? canonicalNames(request, tag, session).orElseGet(() -> parse(parser, request, tag, session, malformed))
                : parse(parser, request, tag, session, malformed);
    }

    /**
     * CREATE's and RENAME's names must be canonical modified UTF-7 ({@link CanonicalNames}): else
     * {@code NO [CANNOT]} with the spelling to use, and nothing is created or renamed.
     */
    private Optional<org.apache.james.imap.api.ImapMessage> canonicalNames(ImapRequestLineReader request, Tag tag,
                                                                            ImapSession session) {
        Optional<ByteBuf> read = LiteralLimit.buffer(request);
        if (read.isEmpty()) {
            return Optional.empty();
        }
        ByteBuf buffer = read.get();
        int lf = buffer.indexOf(buffer.readerIndex(), buffer.writerIndex(), (byte) '\n');
        if (lf < 0) {
            return Optional.empty();
        }
        String arguments = buffer.toString(buffer.readerIndex(), lf - buffer.readerIndex(),
                java.nio.charset.StandardCharsets.UTF_8).strip();
        return CanonicalNames.respelled(arguments).map(canonical -> {
            LiteralLimit.buffer(request).ifPresent(b -> skipRestOfLine(request, b, session));
            Backpressure.decoded(session);
            return responses.taggedNo(tag, null, new HumanReadableText("liaison.folder.name",
                    "Folder names must be valid modified UTF-7 (RFC 3501 5.1.3): printable ASCII stands for itself;"
                            + " write this one " + canonical), ResponseCodeEncoder.CANNOT);
        });
    }

    /**
     * A synchronizing literal over the limit is refused before the client sends it (RFC 7889 §4:
     * {@code NO [TOOBIG]}, the client gets no continuation). A non-synchronizing one is already on
     * its way: the command is {@code BAD [TOOBIG]} and the connection is closed rather than read
     * (RFC 7888 §4). Before login the limit is {@link Limits#UNAUTHENTICATED_LITERAL_OCTETS}.
     */
    private org.apache.james.imap.api.ImapMessage tooBig(Tag tag, ImapSession session, LiteralLimit.Announced literal) {
        String size = literal.octets() == Long.MAX_VALUE ? "an unreadable size" : literal.octets() + " octets";
        long allowed = LiteralLimit.allowedOctets(session);
        HumanReadableText text = new HumanReadableText("org.apache.james.imap.ILLEGAL_ARGUMENTS",
                "failed. Literal of " + size + " exceeds the limit of " + allowed
                        + (allowed == Limits.MESSAGE_OCTETS ? " (APPENDLIMIT)." : " before login; log in first."));
        LOG.debug("literal of {} octets refused", literal.octets());
        if (literal.synchronizing()) {
            return responses.taggedNo(tag, null, text, ResponseCodeEncoder.TOOBIG);
        }
        session.setAttribute(ProcessorChain.CLOSE_AFTER_ANSWER, Boolean.TRUE);
        return responses.taggedBad(tag, null, text, ResponseCodeEncoder.TOOBIG);
    }

    /**
     * A literal whose size is no number (RFC 9051 §9: number = 1*DIGIT) is BAD, before any
     * continuation. A non-synchronizing one is on its way with a length nobody knows: the
     * connection is closed after the answer rather than read as commands.
     */
    private org.apache.james.imap.api.ImapMessage malformed(Tag tag, ImapSession session, LiteralLimit.Announced literal) {
        if (!literal.synchronizing()) {
            session.setAttribute(ProcessorChain.CLOSE_AFTER_ANSWER, Boolean.TRUE);
        }
        return responses.taggedBad(tag, null, MALFORMED_SIZE);
    }

    private Object refuse(Tag tag, Throwable e, HumanReadableText malformed) {
        LOG.debug("malformed command refused: {}", e.getClass().getSimpleName());
        return responses.taggedBad(tag, null, e instanceof StackOverflowError ? TOO_DEEP : malformed);
    }

    /**
     * Whether {@code message} refuses a command whose non-synchronizing literal, announced at the
     * end of its first line, the parser never read ({@link RefusedLiterals}).
     */
    private static boolean refusedBefore(org.apache.james.imap.api.ImapMessage message, ImapRequestLineReader request,
                                         LiteralLimit.Announced literal) {
        return !literal.synchronizing() && message instanceof StatusResponse status
                && status.getServerResponseType() != StatusResponse.Type.OK && LiteralLimit.unread(request, literal);
    }

    private org.apache.james.imap.api.ImapMessage parse(ImapCommandParser parser, ImapRequestLineReader request, Tag tag,
                                                         ImapSession session, HumanReadableText malformed) {
        Optional<LiteralLimit.Announced> literal = LiteralLimit.announced(request);
        if (literal.isPresent() && (literal.get().malformed()
                || literal.get().octets() > LiteralLimit.allowedOctets(session))) {
            Backpressure.decoded(session);
            return literal.get().malformed() ? malformed(tag, session, literal.get()) : tooBig(tag, session, literal.get());
        }
        org.apache.james.imap.api.ImapMessage message;
        try {
            message = parser.parse(request, tag, session);
        } catch (NettyImapRequestLineReader.NotEnoughDataException e) {
            throw e; // not a failure: the frame decoder waits for the rest of a literal
        } catch (StackOverflowError | RuntimeException e) {
            message = (org.apache.james.imap.api.ImapMessage) refuse(tag, e, malformed);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Error e) {
            message = (org.apache.james.imap.api.ImapMessage) refuse(tag, e, malformed);
        }
        message = SystemFlags.checked(message, responses);
        if (literal.isPresent() && refusedBefore(message, request, literal.get())) {
            skipLiterals(request, session, literal.get());
        } else if (message instanceof StatusResponse) {
            LiteralLimit.buffer(request).ifPresent(buffer -> skipRestOfLine(request, buffer, session));
        }
        Backpressure.decoded(session);
        return message;
    }

    /**
     * Reads the rest of the line a refused command stopped in. James's frame decoder skips it only
     * when it never waited for a literal of the command: after one ({@code b1 STATUS {5}}, then
     * {@code INBOX x a9 CREATE smuggled}) the rest ran as a command of its own. A rest that
     * announces a non-synchronizing literal ends the connection after the answer. If the line has
     * not arrived whole, the decoder waits for it ({@link LiteralContinuations} bounds the wait).
     */
    private static void skipRestOfLine(ImapRequestLineReader request, ByteBuf buffer, ImapSession session) {
        boolean literalFollows;
        try {
            literalFollows = RefusedLiterals.skipLine(request, buffer);
        } catch (DecodingException e) {
            literalFollows = true;
        }
        if (literalFollows) {
            if (buffer.readerIndex() > 0 && buffer.getByte(buffer.readerIndex() - 1) == '\n') {
                // what the client sent after the line (the literal) is dropped with it, not decoded
                LiteralContinuations.endCommand(request, buffer, buffer.readerIndex() - 1);
            }
            LiteralContinuations.closeAfterAnswer(session);
        }
    }

    /** Reads a refused command's literals away; if that fails, the connection ends after the answer. */
    private static void skipLiterals(ImapRequestLineReader request, ImapSession session, LiteralLimit.Announced literal) {
        boolean skipped;
        try {
            skipped = RefusedLiterals.skip(request, literal.octets());
        } catch (IOException e) {
            skipped = false;
        }
        if (!skipped) {
            // bytes of the literal would otherwise be decoded as commands
            session.setAttribute(ProcessorChain.CLOSE_AFTER_ANSWER, Boolean.TRUE);
        }
    }
}
