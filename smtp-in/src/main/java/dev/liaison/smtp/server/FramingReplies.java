package dev.liaison.smtp.server;

import dev.liaison.smtp.framing.FramingEvent;
import dev.liaison.smtp.message.MessageAssembler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.james.protocols.netty.BasicChannelInboundHandler;
import org.apache.james.protocols.smtp.SMTPSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the {@link FramingEvent}s of {@code StrictLineDecoder} and passes lines on to James.
 * It runs on the channel's event loop like James's core handler, so its replies come after the
 * replies to every earlier line.
 *
 * <p>A framing violation ends the connection: after a bare CR or LF there is no safe way to know
 * where the command or the message ends, and a reply followed by more interpretation is what the
 * smuggling attacks need. An over-long line inside DATA spoils only that message (the transaction
 * is refused at its end, RFC 5321 §4.5.3.1.6); outside DATA it is one refused command. Where the
 * framer passes long message lines on in parts (the inbound MX), the parts go straight to the
 * message: James's line handlers take whole lines only, and only the final {@code .} needs them.
 *
 * <p>A connection the network or the client broke (reset, broken pipe) is closed here with a
 * DEBUG line: James logs any exception that reaches it at ERROR with its stack trace, and any
 * client can reset its connection, so the log would be theirs to fill. The close still runs
 * James's disconnect handlers (a message's octets go back to the budget).
 */
@ChannelHandler.Sharable
final class FramingReplies extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(FramingReplies.class);

    private final MessageAssembler assembler;

    FramingReplies(MessageAssembler assembler) {
        this.assembler = assembler;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof FramingEvent.Violation violation) {
            LOG.warn("closing SMTP connection {}: {}", ctx.channel().id(), violation.kind());
            reply(replyContext(ctx, violation), "500 5.5.2 " + violation.description() + "; closing connection")
                    .addListener(ChannelFutureListener.CLOSE);
        } else if (msg instanceof FramingEvent.LinePart part) {
            if (session(ctx.channel()) instanceof SMTPSession smtp) {
                assembler.appendLinePart(smtp, part.octets());
            }
        } else if (msg instanceof FramingEvent.OverlongLine overlong) {
            if (!absorbedByMessage(ctx, overlong)) {
                reply(ctx, "500 5.5.2 line too long: the limit is " + overlong.limit()
                        + " octets including CRLF (RFC 5321 section 4.5.3.1)");
            }
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.debug("SMTP connection {} broken by the network or the client: {}", ctx.channel().id(), cause.toString());
            ctx.close();
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }

    /**
     * Plaintext pipelined after STARTTLS is found once the TLS handler is installed but before any
     * handshake; a reply through it would wait for a handshake forever. The client is still
     * speaking plaintext, so the reply is written below the TLS handler, in plaintext.
     */
    private static ChannelHandlerContext replyContext(ChannelHandlerContext ctx, FramingEvent.Violation violation) {
        ChannelHandlerContext tls = ctx.pipeline().context(SslHandler.class);
        return violation.kind() == FramingEvent.Kind.PLAINTEXT_AFTER_STARTTLS && tls != null ? tls : ctx;
    }

    private boolean absorbedByMessage(ChannelHandlerContext ctx, FramingEvent.OverlongLine overlong) {
        return session(ctx.channel()) instanceof SMTPSession smtp && assembler.refuseOverlongLine(smtp, overlong.limit());
    }

    /** Whether the channel's session is reading message content (after DATA's 354), for the framer. */
    static boolean inMessage(Channel channel) {
        return session(channel) instanceof SMTPSession smtp && MessageAssembler.receiving(smtp);
    }

    private static Object session(Channel channel) {
        return channel.attr(BasicChannelInboundHandler.SESSION_ATTRIBUTE_KEY).get();
    }

    private static io.netty.channel.ChannelFuture reply(ChannelHandlerContext ctx, String line) {
        ByteBuf bytes = Unpooled.copiedBuffer(line + "\r\n", StandardCharsets.US_ASCII);
        return ctx.writeAndFlush(bytes);
    }
}
