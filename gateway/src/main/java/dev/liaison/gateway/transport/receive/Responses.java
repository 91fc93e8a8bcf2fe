package dev.liaison.gateway.transport.receive;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;

/**
 * The receiving service's HTTP answers: short fixed texts, never an echo of the peer's input, and
 * the {@link HttpResource}s' replies.
 */
final class Responses {

    private static final Logger LOG = LoggerFactory.getLogger(Responses.class);

    static final String ENVELOPE_ID = "Envelope-Id";

    private Responses() {
    }

    static FullHttpResponse text(HttpResponseStatus status, String text) {
        return response(status, (text + "\n").getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8", false);
    }

    static FullHttpResponse json(byte[] json, boolean headOnly) {
        FullHttpResponse response = response(HttpResponseStatus.OK, json, "application/json", headOnly);
        // Keys rotate on a schedule of days; five minutes of caching spares us most fetches.
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "max-age=300");
        return response;
    }

    /** Asks {@code resource} (on the calling, blocking thread); its failure is a 500, logged. */
    static FullHttpResponse from(HttpResource resource, ResourceRequest request, boolean headOnly) {
        ResourceReply reply;
        try {
            reply = resource.get(request);
        } catch (RuntimeException e) {
            LOG.warn("Serving {} failed: {}", request.path(), e.toString());
            return text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error");
        }
        FullHttpResponse response = response(HttpResponseStatus.valueOf(reply.status()), reply.sharedBody(),
                reply.contentType(), headOnly);
        reply.headers().forEach((name, value) -> response.headers().set(name, value));
        return response;
    }

    static FullHttpResponse unavailable(String retryAfterSeconds) {
        FullHttpResponse response = text(HttpResponseStatus.SERVICE_UNAVAILABLE, "temporarily unavailable; retry later");
        response.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfterSeconds);
        return response;
    }

    private static FullHttpResponse response(HttpResponseStatus status, byte[] body, String type, boolean headOnly) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                headOnly ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return response;
    }
}
