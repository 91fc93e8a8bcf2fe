package dev.liaison.gateway.transport.receive;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An {@link HttpResource}'s answer: status, media type, body and extra header fields (the listener
 * sets {@code Content-Type}, {@code Content-Length} and the connection handling itself). Not a
 * record because it holds a byte array, which a record would neither copy nor compare.
 */
public final class ResourceReply {

    private final int status;
    private final String contentType;
    private final byte[] body;
    private final Map<String, String> headers;

    private ResourceReply(int status, String contentType, byte[] body, Map<String, String> headers) {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("HTTP status " + status + " outside 200..599");
        }
        this.status = status;
        this.contentType = Objects.requireNonNull(contentType, "contentType");
        this.body = Objects.requireNonNull(body, "body");
        this.headers = Map.copyOf(headers);
    }

    /** {@code 200} with this body; the array is adopted, not copied: do not change it afterwards. */
    public static ResourceReply ok(String contentType, byte[] body) {
        return new ResourceReply(200, contentType, body, Map.of());
    }

    /** A one-line {@code text/plain} answer (a refusal, a health verdict). */
    public static ResourceReply text(int status, String line) {
        return new ResourceReply(status, "text/plain; charset=utf-8", (line + "\n").getBytes(StandardCharsets.UTF_8),
                Map.of());
    }

    /** This reply with one more header field. */
    public ResourceReply withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new ResourceReply(status, contentType, body, more);
    }

    public int status() {
        return status;
    }

    public String contentType() {
        return contentType;
    }

    /** The body itself (not a copy): read it, do not change it. */
    public byte[] sharedBody() {
        return body;
    }

    public Map<String, String> headers() {
        return headers;
    }

    @Override
    public String toString() {
        return "ResourceReply[" + status + ", " + contentType + ", " + body.length + " bytes]";
    }
}
