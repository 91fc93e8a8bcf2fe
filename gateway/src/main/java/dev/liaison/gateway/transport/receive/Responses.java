package dev.liaison.gateway.transport.receive;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;

/** The receiving service's HTTP answers: short fixed texts, never an echo of the peer's input. */
final class Responses {

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
