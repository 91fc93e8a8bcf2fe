package dev.liaison.smtp.testing;

import dev.liaison.smtp.inbound.InboundHandler;
import dev.liaison.smtp.inbound.InboundMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** An {@link InboundHandler} that keeps what it committed; it can be told to fail the next calls. */
public final class RecordingInboundHandler implements InboundHandler {

    private final ConcurrentLinkedQueue<InboundMessage> committed = new ConcurrentLinkedQueue<>();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final AtomicInteger calls = new AtomicInteger();

    @Override
    public void accept(InboundMessage message) throws Exception {
        calls.incrementAndGet();
        Exception fail = failure.get();
        if (fail != null && failuresLeft.getAndDecrement() > 0) {
            throw fail;
        }
        committed.add(message);
    }

    /** The next {@code times} calls throw {@code e}; later ones commit again. */
    public void failNext(int times, Exception e) {
        failure.set(e);
        failuresLeft.set(times);
    }

    public List<InboundMessage> committed() {
        return List.copyOf(committed);
    }

    /** How often the handler was asked, failed calls included. */
    public int calls() {
        return calls.get();
    }

    public void clear() {
        committed.clear();
        failure.set(null);
        failuresLeft.set(0);
        calls.set(0);
    }

    public static String text(InboundMessage message) {
        return new String(message.message().toByteArray(), StandardCharsets.ISO_8859_1);
    }
}
