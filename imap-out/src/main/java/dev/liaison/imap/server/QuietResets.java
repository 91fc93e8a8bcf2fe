package dev.liaison.imap.server;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * Closes a connection the network or the client broke (reset, broken pipe) with a DEBUG line. James
 * logs every exception that reaches its IMAP handler at WARN with a stack trace, and any client can
 * reset its connection, so the log would be theirs to fill. The close still runs James's
 * connection-closed handling. Everything else goes on to James.
 */
@ChannelHandler.Sharable
final class QuietResets extends ChannelInboundHandlerAdapter {

    static final QuietResets INSTANCE = new QuietResets();
    private static final Logger LOG = LoggerFactory.getLogger(QuietResets.class);

    private QuietResets() {
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.debug("IMAP connection {} broken by the network or the client: {}", ctx.channel().id(), cause.toString());
            ctx.close();
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }
}
