package dev.liaison.imap.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import org.apache.james.protocols.netty.CommandInjectionDetectedException;
import org.apache.james.protocols.netty.HandlerConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Commands sent after STARTTLS before its answer ({@code a STARTTLS} CRLF {@code b LOGIN x y} in
 * one packet: the CVE-2011-0411 class of plaintext injection). James's framer refuses them by
 * throwing, and its IMAP handler then logged each throw at WARN with the whole stack trace (66
 * lines per connection, any client could fill the log) and closed the connection without a word.
 * Now the client hears {@code * BYE} with the reason, the connection is closed, and the log gets
 * one short WARN line with the client's address, as submission does for the same thing. Nothing
 * of the injected commands runs, as before.
 *
 * <p>It must follow James's framer, which the pipeline hook {@link TlsImapServer} uses runs before:
 * so it is put in front of the framer and, once the pipeline is complete (the connection is
 * active), moves itself to just before James's IMAP handler.
 */
final class InjectedCommands extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(InjectedCommands.class);
    private static final byte[] BYE = ("* BYE Commands sent after STARTTLS before its answer are not accepted"
            + " (RFC 3501 6.2.1); closing\r\n").getBytes(StandardCharsets.US_ASCII);

    private boolean refused;

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (ctx.pipeline().get(HandlerConstants.CORE_HANDLER) != null) {
            ctx.pipeline().remove(this);
            ctx.pipeline().addBefore(HandlerConstants.CORE_HANDLER, "injectedCommands", new InjectedCommands());
        }
        super.channelActive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        if (!injection(cause)) {
            super.exceptionCaught(ctx, cause);
            return;
        }
        if (!refused) { // the framer throws again for what is still buffered: one line, one answer
            refused = true;
            LOG.warn("IMAP connection from {} closed: commands sent after STARTTLS before its answer",
                    ctx.channel().remoteAddress() instanceof InetSocketAddress address
                            ? address.getAddress().getHostAddress() : "-");
            ctx.channel().config().setAutoRead(false);
            ctx.writeAndFlush(Unpooled.wrappedBuffer(BYE)).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static boolean injection(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof CommandInjectionDetectedException) {
                return true;
            }
        }
        return false;
    }
}
