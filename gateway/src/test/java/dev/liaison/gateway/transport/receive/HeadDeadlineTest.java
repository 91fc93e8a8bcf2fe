package dev.liaison.gateway.transport.receive;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A request head must arrive in time, however slowly its bytes trickle; an upload's body is not timed here. */
class HeadDeadlineTest {

    private static final Duration FIRST = Duration.ofMillis(150);
    private static final Duration NEXT = Duration.ofMillis(300);

    @Test
    void aHeadTrickledLineByLineIsCutOffAtTheDeadline() throws Exception {
        EmbeddedChannel channel = channel();
        long started = System.nanoTime();
        for (int i = 0; i < 20 && channel.isOpen(); i++) {
            channel.writeInbound(Unpooled.copiedBuffer(i == 0 ? "GET / HTTP/1.1\r\n" : "X-Slow: " + i + "\r\n",
                    StandardCharsets.US_ASCII));
            Thread.sleep(50); // a line every 50 ms: each would restart an idle timeout
            channel.runScheduledPendingTasks();
        }
        long elapsed = (System.nanoTime() - started) / 1_000_000;
        assertFalse(channel.isOpen(), "closed, though its bytes kept coming");
        assertTrue(elapsed >= FIRST.toMillis() && elapsed < 20 * 50, "at the head deadline: " + elapsed + " ms");
    }

    @Test
    void aHeadInTimeDisarmsItAndTheNextHeadHasItsOwnDeadlineAfterTheAnswer() throws Exception {
        EmbeddedChannel channel = channel();
        channel.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: x\r\n\r\n", StandardCharsets.US_ASCII));
        assertInstanceOf(HttpRequest.class, channel.readInbound());
        Thread.sleep(FIRST.toMillis() + 100); // the answer takes longer than the first deadline: not a head's fault
        channel.runScheduledPendingTasks();
        assertTrue(channel.isOpen());
        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        Thread.sleep(NEXT.toMillis() + 100);
        channel.runScheduledPendingTasks();
        assertTrue(channel.isOpen(), "a 100 Continue is no answer's end: the body may take its time");
        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        Thread.sleep(NEXT.toMillis() / 2);
        channel.runScheduledPendingTasks();
        assertTrue(channel.isOpen(), "a kept connection may wait for its next request");
        Thread.sleep(NEXT.toMillis());
        channel.runScheduledPendingTasks();
        assertFalse(channel.isOpen(), "but not longer than the next head's deadline");
    }

    private static EmbeddedChannel channel() {
        return new EmbeddedChannel(new HttpServerCodec(), new HeadDeadline(FIRST, NEXT));
    }
}
