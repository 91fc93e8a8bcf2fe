package dev.liaison.gateway.transport.receive;

import dev.liaison.gateway.transport.Limits;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The fixed table of {@link HttpResource}s a listener serves besides the envelope endpoint and
 * {@code /.well-known/communicator.json}: exact paths only (no patterns, so routing stays a map
 * lookup and no request reaches a resource it was not meant for), at most
 * {@link Limits#MAX_HTTP_RESOURCES}, never one of the transport's own paths.
 */
public final class HttpResources {

    /** No extra resources: only the transport's own endpoints. */
    public static final HttpResources NONE = new HttpResources(Map.of());
    private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9._/-]{0,127}");

    private final Map<String, HttpResource> byPath;

    private HttpResources(Map<String, HttpResource> byPath) {
        this.byPath = byPath;
    }

    /** @throws IllegalArgumentException for a malformed or reserved path, or too many resources */
    public static HttpResources of(Map<String, HttpResource> byPath) {
        if (byPath.size() > Limits.MAX_HTTP_RESOURCES) {
            throw new IllegalArgumentException(byPath.size() + " HTTP resources exceed the limit of "
                    + Limits.MAX_HTTP_RESOURCES);
        }
        for (String path : byPath.keySet()) {
            if (!PATH.matcher(path).matches()) {
                throw new IllegalArgumentException("HTTP resource path '" + path + "' is not /[A-Za-z0-9._/-]{0,127}");
            }
            if (path.equals(EnvelopeHttpHandler.ENVELOPES) || path.equals(EnvelopeHttpHandler.WELL_KNOWN)) {
                throw new IllegalArgumentException("HTTP resource path " + path + " belongs to the transport");
            }
        }
        return new HttpResources(Map.copyOf(byPath));
    }

    /** The resource at exactly {@code path}, if any. */
    public Optional<HttpResource> at(String path) {
        return Optional.ofNullable(byPath.get(path));
    }
}
