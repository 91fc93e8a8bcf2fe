package dev.liaison.imap.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.AttributeKey;
import org.apache.james.imap.api.Tag;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.message.response.UnpooledStatusResponseFactory;
import org.apache.james.imapserver.netty.NettyConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A command line over {@link Limits#LINE_OCTETS} answered with a tagged {@code BAD} when its tag
 * can be read from the line's start (RFC 2683 §3.2.1: "a BAD response to a command that does not
 * end within the server's maximum accepted command length"). James's line framer discards the
 * line and James answered an untagged {@code * BAD}, so a client waiting for its tag waited for
 * good. The framer discards what it read, so the line's start is noted before it:
 * {@link Tracker} sits in front of the framer and keeps the first token of each line the framer
 * sees; {@link Answer}, in front of James's handler, turns the framer's {@link TooLongFrameException}
 * into a tagged {@code BAD} that goes through the processor chain like any refused command (in
 * order with the answers before it). A line whose start is no tag still gets James's {@code * BAD}.
 *
 * <p>Why the line's start is a tag: James removes the framer while a command waits for more than
 * its first line (a literal, an unfinished construct, bounded by {@link LiteralContinuations}) and
 * puts a new one in when the command is decoded, so every line a framer sees starts a command.
 */
final class LongLines {

    static final HumanReadableText TOO_LONG = new HumanReadableText("org.apache.james.imap.ILLEGAL_ARGUMENTS",
            "failed. A command line is limited to " + Limits.LINE_OCTETS + " octets; the line was discarded.");
    private static final Logger LOG = LoggerFactory.getLogger(LongLines.class);
    /** The tag of the last line the tracker saw grow over the limit, until the framer's refusal takes it. */
    private static final AttributeKey<Tag> OVERLONG = AttributeKey.valueOf("liaison.overlong-line-tag");
    /** Longest tag read; a longer first token is taken for no tag. */
    private static final int TAG_OCTETS = 256;

    private LongLines() {
    }

    /** Before the framer: notes the tag of a line the framer will refuse. One per connection (it keeps the line's state). */
    static final class Tracker extends ChannelInboundHandlerAdapter {
        /** The framer whose lines are followed; a new one (James puts one in after each literal) starts at a line's start. */
        private ChannelHandler framer;
        private final StringBuilder head = new StringBuilder();
        private boolean headEnded;
        private long octets;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.pipeline().addBefore(NettyConstants.CORE_HANDLER, "longLines", new Answer());
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ChannelHandler current = ctx.pipeline().get(NettyConstants.FRAMER);
            if (current != framer) {
                framer = current;
                lineStarts();
            }
            if (current != null && msg instanceof ByteBuf bytes) {
                bytes.forEachByte(b -> {
                    read(ctx, b);
                    return true;
                });
            }
            ctx.fireChannelRead(msg);
        }

        private void read(ChannelHandlerContext ctx, byte b) {
            if (b == '\n') {
                lineStarts();
                return;
            }
            if (!headEnded) {
                if (b == ' ' || head.length() == TAG_OCTETS) {
                    headEnded = true;
                } else {
                    head.append((char) (b & 0xff));
                }
            }
            // the framer counts a line without its line end; a CR before the LF is counted here,
            // so a line of exactly the limit is noted and never asked for (the next note replaces it)
            if (++octets == Limits.LINE_OCTETS + 1L) {
                Tag tag = tag();
                ctx.channel().attr(OVERLONG).set(tag);
            }
        }

        private void lineStarts() {
            head.setLength(0);
            headEnded = false;
            octets = 0;
        }

        /** The line's first token if it ended with a space and is a tag (RFC 9051 §9: astring chars but "+"); else null. */
        private Tag tag() {
            if (!headEnded || head.length() == 0 || head.length() >= TAG_OCTETS) {
                return null;
            }
            for (int i = 0; i < head.length(); i++) {
                char c = head.charAt(i);
                if (c <= ' ' || c >= 0x7f || "(){%*\"\\+".indexOf(c) >= 0) {
                    return null;
                }
            }
            return new Tag(head.toString());
        }
    }

    /** In front of James's handler: the framer's refusal of a line with a tag becomes that tag's {@code BAD}. */
    private static final class Answer extends ChannelInboundHandlerAdapter {
        private final StatusResponseFactory responses = new UnpooledStatusResponseFactory();

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Tag tag = cause instanceof TooLongFrameException ? ctx.channel().attr(OVERLONG).getAndSet(null) : null;
            ImapSession session = ctx.channel().attr(NettyConstants.IMAP_SESSION_ATTRIBUTE_KEY).get();
            if (tag == null || session == null) {
                ctx.fireExceptionCaught(cause); // James's untagged BAD
                return;
            }
            LOG.debug("command line over {} octets refused", Limits.LINE_OCTETS);
            Backpressure.decoded(session); // answered like a decoded command
            ctx.fireChannelRead(responses.taggedBad(tag, null, TOO_LONG));
        }
    }
}
