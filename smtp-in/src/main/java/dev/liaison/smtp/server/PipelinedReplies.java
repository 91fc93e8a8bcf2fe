package dev.liaison.smtp.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslHandler;

/**
 * Sends the replies to one read's worth of pipelined commands together: James flushes after every
 * reply, so a pipelined {@code MAIL}, {@code RCPT}, {@code DATA} cost three TLS records and three
 * socket writes; held until the read is processed they cost one. RFC 2920 §3.2 lets a server
 * buffer replies to a command group as long as it sends them before it waits for more input, which
 * is exactly Netty's {@link FlushConsolidationHandler} without {@code consolidateWhenNoReadInProgress}:
 * the held flush happens at {@code channelReadComplete}, so no reply ever waits for the client
 * (no Nagle-like stall); a write outside a read is flushed at once.
 *
 * <p>Only once TLS is established. Before that (the plaintext part of a STARTTLS session) every
 * flush goes straight through: James writes the STARTTLS {@code 220} and then installs the TLS
 * handler in front of this one, and a {@code 220} still held at that moment would be flushed
 * through the new TLS handler before its handshake. There is nothing to gain there anyway.
 *
 * <p>It sits right behind the TLS handler, so the replies it holds are wrapped together into one
 * record. One instance per channel.
 */
final class PipelinedReplies extends FlushConsolidationHandler {

    /** More replies than this in one read (a long pipelined group) are flushed early. */
    private static final int MAX_HELD_FLUSHES = 64;

    private boolean tlsEstablished;

    PipelinedReplies() {
        super(MAX_HELD_FLUSHES, false);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) throws Exception {
        if (tlsEstablished || establishedNow(ctx)) {
            super.flush(ctx);
        } else {
            ctx.flush();
        }
    }

    private boolean establishedNow(ChannelHandlerContext ctx) {
        SslHandler tls = ctx.pipeline().get(SslHandler.class);
        tlsEstablished = tls != null && tls.handshakeFuture().isSuccess();
        return tlsEstablished;
    }
}
