package dev.liaison.gateway.transport.receive;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection whose request head does not arrive in time: {@code first} from the
 * connection, {@code next} from the end of each final answer. The idle timeout alone restarts on
 * every byte, so a client trickling header lines held a connection as long as it liked. Sits behind
 * the HTTP codec, where a whole head and a whole answer are one object each.
 */
final class HeadDeadline extends ChannelDuplexHandler {

    private static final Logger LOG = LoggerFactory.getLogger(HeadDeadline.class);

    private final Duration first;
    private final Duration next;
    private ScheduledFuture<?> deadline;

    HeadDeadline(Duration first, Duration next) {
        this.first = first;
        this.next = next;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        arm(ctx, first);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
            disarm();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        boolean interim = msg instanceof HttpResponse r && r.status().codeClass() == HttpStatusClass.INFORMATIONAL;
        if (msg instanceof LastHttpContent && !interim) { // the answer's end (a 100 Continue is not one)
            arm(ctx, next);
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        disarm();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        disarm(); // a connection closed before it was ever active keeps no timer (and its pipeline) alive
    }

    private void arm(ChannelHandlerContext ctx, Duration after) {
        disarm();
        deadline = ctx.executor().schedule(() -> {
            LOG.debug("Closing connection {}: no request head within {} s", ctx.channel().id(), after.toSeconds());
            ctx.close();
        }, after.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void disarm() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }
}
