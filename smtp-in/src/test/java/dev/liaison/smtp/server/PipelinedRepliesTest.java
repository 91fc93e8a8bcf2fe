package dev.liaison.smtp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.liaison.smtp.testing.TestCertificate;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslHandler;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;

/**
 * Replies to one read's pipelined commands leave in one flush once TLS is up, never later than the
 * end of that read; before TLS, and outside a read, every flush goes straight through. A real TLS
 * handshake between two embedded channels; flushes are counted where they reach the socket.
 */
class PipelinedRepliesTest {

    private static final String REPLIES = "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n";

    @Test
    void threePipelinedRepliesLeaveInOneFlushOverTls() {
        FlushCounter socket = new FlushCounter();
        EmbeddedChannel server = new EmbeddedChannel(socket, new SslHandler(engine(false)), new PipelinedReplies(),
                new ThreeReplies());
        StringBuilder received = new StringBuilder();
        EmbeddedChannel client = new EmbeddedChannel(new SslHandler(engine(true)), collector(received));
        shuttle(client, server);
        int before = socket.flushes;

        client.writeOutbound(ascii("MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n"));
        shuttle(client, server);

        assertEquals(1, socket.flushes - before, "one flush for the three replies");
        assertEquals(REPLIES, received.toString(), "all three replies arrived, in order, when the read ended");
    }

    @Test
    void beforeTlsEveryReplyIsFlushedAsWritten() {
        FlushCounter socket = new FlushCounter();
        EmbeddedChannel server = new EmbeddedChannel(socket, new PipelinedReplies(), new ThreeReplies());

        server.writeInbound(ascii("MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n"));

        assertEquals(3, socket.flushes, "plaintext phase: nothing held (STARTTLS installs TLS right after its 220)");
        assertEquals(REPLIES, drain(server));
    }

    @Test
    void aReplyWrittenOutsideAReadIsFlushedAtOnce() {
        FlushCounter socket = new FlushCounter();
        EmbeddedChannel server = new EmbeddedChannel(socket, new SslHandler(engine(false)), new PipelinedReplies(),
                new ThreeReplies());
        EmbeddedChannel client = new EmbeddedChannel(new SslHandler(engine(true)), new ChannelInboundHandlerAdapter());
        shuttle(client, server);
        int before = socket.flushes;

        server.writeAndFlush(ascii("421 4.4.2 idle too long\r\n"));

        assertTrue(socket.flushes > before, "a timeout reply must not wait for a read that may never come");
    }

    /** Answers every inbound message with three replies, each written and flushed as James does. */
    private static final class ThreeReplies extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ((ByteBuf) msg).release();
            for (String line : REPLIES.split("(?<=\r\n)")) {
                ctx.channel().writeAndFlush(ascii(line));
            }
        }
    }

    /** Counts the flushes that reach the socket end of the pipeline. */
    @ChannelHandler.Sharable
    private static final class FlushCounter extends ChannelDuplexHandler {
        int flushes;

        @Override
        public void flush(ChannelHandlerContext ctx) {
            flushes++;
            ctx.flush();
        }
    }

    private static ChannelInboundHandlerAdapter collector(StringBuilder received) {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf bytes = (ByteBuf) msg;
                received.append(bytes.toString(StandardCharsets.US_ASCII));
                bytes.release();
            }
        };
    }

    /** Moves bytes both ways until neither side has anything left to send (handshake included). */
    private static void shuttle(EmbeddedChannel client, EmbeddedChannel server) {
        boolean moved = true;
        while (moved) {
            moved = move(client, server) | move(server, client);
        }
    }

    private static boolean move(EmbeddedChannel from, EmbeddedChannel to) {
        boolean moved = false;
        for (Object out = from.readOutbound(); out != null; out = from.readOutbound()) {
            to.writeInbound(out);
            moved = true;
        }
        return moved;
    }

    private static String drain(EmbeddedChannel channel) {
        StringBuilder all = new StringBuilder();
        for (ByteBuf out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
            all.append(out.toString(StandardCharsets.US_ASCII));
            out.release();
        }
        return all.toString();
    }

    private static SSLEngine engine(boolean client) {
        TestCertificate certificate = TestCertificate.get();
        SSLEngine engine = (client ? certificate.clientContext() : certificate.serverContext()).createSSLEngine();
        engine.setUseClientMode(client);
        return engine;
    }

    private static ByteBuf ascii(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }
}
