package dev.liaison.imap.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.Tag;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.decode.ImapRequestLineReader;
import org.apache.james.imapserver.netty.NettyImapRequestLineReader.NotEnoughDataException;

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
 */
final class LiteralContinuations {

    /**
     * On the channel, not the session: the session's attributes are a plain map that Reactor
     * threads write too, while this is written around every literal wait by the decoder.
     */
    private static final AttributeKey<Attempt> ATTEMPT = AttributeKey.valueOf("liaison.literal-continuation");
    private static final byte[] CONTINUE = "+ Ok\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final HumanReadableText LONG_NAME = new HumanReadableText("org.apache.james.imap.ILLEGAL_ARGUMENTS",
            "failed. A literal inside a FETCH item is limited to " + Limits.LINE_OCTETS + " octets.");

    /** How many octets of the command the last attempt had. */
    private record Attempt(int received) {
    }

    /**
     * What a command's octets received so far announce outside its literals' octets.
     *
     * @param announcedAtEnd the size of the synchronizing literal whose announcement ends them, if one does
     */
    private record Received(OptionalLong announcedAtEnd) {

        /** Reads the command from {@code start} to the end of {@code buffer}, skipping each announced literal. */
        static Received of(ByteBuf buffer, int start) {
            int end = buffer.writerIndex();
            int p = start;
            while (p < end) {
                int lf = buffer.indexOf(p, end, (byte) '\n');
                if (lf < 0) {
                    return new Received(OptionalLong.empty());
                }
                Optional<LiteralLimit.Announced> literal = LiteralLimit.atLineEnd(buffer, p, lf)
                        .filter(announced -> !announced.malformed());
                if (lf + 1 == end) {
                    return new Received(literal.filter(LiteralLimit.Announced::synchronizing)
                            .map(announced -> OptionalLong.of(announced.octets())).orElse(OptionalLong.empty()));
                }
                p = (int) Math.min(end, lf + 1 + literal.map(LiteralLimit.Announced::octets).orElse(0L));
            }
            return new Received(OptionalLong.empty());
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
        OptionalLong octets = Received.of(buffer, start).announcedAtEnd();
        boolean jamesAsked = previous == null && !unknownSize;
        boolean weAsked = previous != null && previous.received() == received;
        if (buffer.readerIndex() != buffer.writerIndex() || octets.isEmpty() || jamesAsked || weAsked) {
            return Optional.empty(); // literal octets are arriving, or no literal is announced, or it was asked for
        }
        if (unknownSize && octets.getAsLong() > Limits.LINE_OCTETS) {
            decoded(session);
            buffer.readerIndex(buffer.writerIndex() - 1); // the decoder ends the command at this line feed
            return Optional.of(responses.taggedBad(tag(buffer, start), null, LONG_NAME));
        }
        channel.get().writeAndFlush(Unpooled.wrappedBuffer(CONTINUE));
        return Optional.empty();
    }

    /** The command's tag: its first line's octets up to the first space. */
    private static Tag tag(ByteBuf buffer, int start) {
        int lf = buffer.indexOf(start, buffer.writerIndex(), (byte) '\n');
        int space = buffer.indexOf(start, lf < 0 ? buffer.writerIndex() : lf, (byte) ' ');
        return new Tag(buffer.toString(start, Math.max(0, space - start), StandardCharsets.US_ASCII));
    }
}
