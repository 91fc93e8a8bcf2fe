package dev.liaison.imap.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.ImapSessionState;
import org.apache.james.imap.api.Tag;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.decode.DecodingException;
import org.apache.james.imap.decode.ImapRequestLineReader;
import org.apache.james.imapserver.netty.NettyImapRequestLineReader.NotEnoughDataException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The command continuation request ({@code + }) for every synchronizing literal of a command (RFC
 * 9051 §4.3, §7.6: the client sends the literal's octets only after it). James's decoder starts a
 * command again from its first octet each time more of it arrives, and its literal reader sends
 * {@code +} only on the first attempt: a command's second synchronizing literal ({@code LOGIN {3}}
 * CRLF {@code bob {8}}) never got one, nor did a literal the parser reads as plain text (a
 * HEADER.FIELDS name, {@code BODY[HEADER.FIELDS ({4}} CRLF {@code Date)]}); the client waited for
 * good.
 *
 * <p>Whenever the decoder runs out of octets right after a synchronizing literal's announcement
 * ({@code {n}} CRLF ending what was received, outside every earlier literal's octets: a literal
 * whose content ends in {@code {5}} CRLF announces nothing) and nobody has asked for that literal
 * yet, one {@code +} is sent. Whether it was asked for is known from the previous attempt at the
 * same command: the connection remembers how many octets it had received (an attempt with as many
 * octets has answered that announcement); a command's first attempt that stopped in James's
 * literal reader has had James's {@code +}. A literal read as plain text is part of the command's
 * line, so one over {@link Limits#LINE_OCTETS} is refused {@code BAD} instead.
 *
 * <p>The same bound holds for the whole command outside its literals. Once James's parser runs
 * out of octets where no literal is due ({@code BODY[} CRLF and then no {@code ]}), its decoder
 * stops splitting lines and parses the command again from its start on every read, buffering
 * without limit (32 MB took minutes of the event loop and a gigabyte). Such a command is
 * answered {@code BAD} and the connection closed after the answer: where it would end is unknown.
 */
final class LiteralContinuations {

    private static final Logger LOG = LoggerFactory.getLogger(LiteralContinuations.class);
    /**
     * On the channel, not the session: the session's attributes are a plain map that Reactor
     * threads write too, while this is written around every literal wait by the decoder.
     */
    private static final AttributeKey<Attempt> ATTEMPT = AttributeKey.valueOf("liaison.literal-continuation");
    private static final byte[] CONTINUE = "+ Ok\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final HumanReadableText LONG_NAME = new HumanReadableText("org.apache.james.imap.ILLEGAL_ARGUMENTS",
            "failed. A literal inside a FETCH item is limited to " + Limits.LINE_OCTETS + " octets.");
    private static final HumanReadableText LONG_COMMAND = new HumanReadableText("org.apache.james.imap.ILLEGAL_ARGUMENTS",
            "failed. A command is limited to " + Limits.LINE_OCTETS + " octets outside its literals; closing.");

    /** How many octets of the command the last attempt had. */
    private record Attempt(int received) {
    }

    /**
     * What a command's octets received so far hold outside its literals' octets.
     *
     * @param announcedAtEnd the size of the synchronizing literal whose announcement ends them, if one does
     * @param largestLiteral the largest literal announced in them (0 if none)
     */
    private record Received(long lineOctets, OptionalLong announcedAtEnd, long largestLiteral) {

        /** Reads the command from {@code start} to the end of {@code buffer}, skipping each announced literal. */
        static Received of(ByteBuf buffer, int start) {
            int end = buffer.writerIndex();
            long line = 0;
            long largest = 0;
            int p = start;
            while (p < end) {
                int lf = buffer.indexOf(p, end, (byte) '\n');
                if (lf < 0) {
                    return new Received(line + end - p, OptionalLong.empty(), largest);
                }
                line += lf + 1 - p;
                Optional<LiteralLimit.Announced> literal = LiteralLimit.atLineEnd(buffer, p, lf)
                        .filter(announced -> !announced.malformed());
                largest = Math.max(largest, literal.map(LiteralLimit.Announced::octets).orElse(0L));
                if (lf + 1 == end) {
                    return new Received(line, literal.filter(LiteralLimit.Announced::synchronizing)
                            .map(announced -> OptionalLong.of(announced.octets())).orElse(OptionalLong.empty()), largest);
                }
                p = (int) Math.min(end, lf + 1 + literal.map(LiteralLimit.Announced::octets).orElse(0L));
            }
            return new Received(line, OptionalLong.empty(), largest);
        }
    }

    private LiteralContinuations() {
    }

    /** The command being decoded since {@code start} was decoded whole: the next one starts afresh. */
    static void decoded(ImapSession session) {
        SessionChannel.of(session).ifPresent(channel -> channel.attr(ATTEMPT).set(null));
    }

    /**
     * The decoder ran out of octets ({@code e}) in the command that starts at {@code start} in the
     * reader's buffer. Sends the continuation if one is due and returns empty (the decoder waits
     * for more, as James's does), or returns the command's refusal.
     */
    static Optional<ImapMessage> waiting(ImapRequestLineReader request, ImapSession session, int start,
                                         NotEnoughDataException e, StatusResponseFactory responses) {
        Optional<ByteBuf> read = LiteralLimit.buffer(request);
        Optional<Channel> channel = SessionChannel.of(session);
        if (read.isEmpty() || channel.isEmpty() || start < 0) {
            return Optional.empty();
        }
        ByteBuf buffer = read.get();
        int received = buffer.writerIndex() - start;
        Attempt previous = channel.get().attr(ATTEMPT).getAndSet(new Attempt(received));
        boolean unknownSize = e.getNeededSize() == NotEnoughDataException.UNKNOWN_SIZE;
        Received command = Received.of(buffer, start);
        if (unknownSize && command.lineOctets() > Limits.LINE_OCTETS) {
            return refuseAndClose(request, session, buffer, start, responses.taggedBad(tag(buffer, start), null,
                    LONG_COMMAND), responses.untaggedBad(LONG_COMMAND));
        }
        if (session.getState() == ImapSessionState.NON_AUTHENTICATED
                && command.largestLiteral() > Limits.UNAUTHENTICATED_LITERAL_OCTETS) {
            // a later literal of the command (the first line's is refused before the parser runs): before
            // login, without this, James spooled up to APPENDLIMIT of it to a temporary file
            LOG.debug("literal of {} octets refused before login", command.largestLiteral());
            HumanReadableText text = new HumanReadableText("org.apache.james.imap.ILLEGAL_ARGUMENTS", "failed. Literal of "
                    + command.largestLiteral() + " octets exceeds the limit of " + Limits.UNAUTHENTICATED_LITERAL_OCTETS
                    + " before login; closing.");
            return refuseAndClose(request, session, buffer, start, responses.taggedBad(tag(buffer, start), null, text,
                    ResponseCodeEncoder.TOOBIG), responses.untaggedBad(text));
        }
        OptionalLong octets = command.announcedAtEnd();
        boolean jamesAsked = previous == null && !unknownSize;
        boolean weAsked = previous != null && previous.received() == received;
        if (buffer.readerIndex() != buffer.writerIndex() || octets.isEmpty() || jamesAsked || weAsked) {
            return Optional.empty(); // literal octets are arriving, or no literal is announced, or it was asked for
        }
        if (unknownSize && octets.getAsLong() > Limits.LINE_OCTETS) {
            decoded(session);
            endCommand(request, buffer, buffer.writerIndex() - 1);
            return Optional.of(responses.taggedBad(tag(buffer, start), null, LONG_NAME));
        }
        channel.get().writeAndFlush(Unpooled.wrappedBuffer(CONTINUE));
        return Optional.empty();
    }

    /**
     * Refuses a command whose octets outside literals exceed a line, or whose literal is too large
     * ({@code tagged}, or {@code untagged} when it has no tag); the connection ends after the answer.
     */
    private static Optional<ImapMessage> refuseAndClose(ImapRequestLineReader request, ImapSession session,
                                                        ByteBuf buffer, int start, ImapMessage tagged,
                                                        ImapMessage untagged) {
        decoded(session);
        LOG.debug("command refused, the connection ends after the answer");
        int lf = buffer.indexOf(start, buffer.writerIndex(), (byte) '\n');
        if (lf < 0) {
            // no line feed for the decoder to end the command at: no answer can follow it, end the connection
            SessionChannel.of(session).ifPresent(Channel::close);
            return Optional.empty();
        }
        Tag tag = tag(buffer, start);
        endCommand(request, buffer, lf);
        closeAfterAnswer(session);
        return Optional.of(tag.asString().isEmpty() ? untagged : tagged);
    }

    /**
     * The connection ends once the command being decoded is answered, and nothing more is read
     * from it: octets it sent after the command cannot be told from commands.
     */
    static void closeAfterAnswer(ImapSession session) {
        session.setAttribute(ProcessorChain.CLOSE_AFTER_ANSWER, Boolean.TRUE);
        SessionChannel.of(session).ifPresent(channel -> channel.config().setAutoRead(false));
    }

    /**
     * Leaves the reader where James's frame decoder ends a refused command: at the line feed at
     * {@code lf}, read but not consumed (as a parser leaves a command's last one), with every octet
     * after it dropped.
     */
    static void endCommand(ImapRequestLineReader request, ByteBuf buffer, int lf) {
        buffer.readerIndex(lf);
        try {
            request.nextChar();
        } catch (DecodingException e) {
            throw new AssertionError("an in-memory reader reads a buffered octet", e);
        }
        buffer.readerIndex(buffer.writerIndex());
    }

    /** The command's tag: its first line's octets up to the first space. */
    private static Tag tag(ByteBuf buffer, int start) {
        int lf = buffer.indexOf(start, buffer.writerIndex(), (byte) '\n');
        int space = buffer.indexOf(start, lf < 0 ? buffer.writerIndex() : lf, (byte) ' ');
        return new Tag(buffer.toString(start, Math.max(0, space - start), StandardCharsets.US_ASCII));
    }
}
