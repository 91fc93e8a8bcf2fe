package dev.liaison.gateway.transport.receive;

import dev.liaison.gateway.transport.Limits;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an {@link HttpResource} is asked: its path and the decoded query parameters, at most
 * {@link Limits#MAX_QUERY_PARAMETERS} of them (more are ignored), each name and value as the
 * client percent-encoded it, decoded as UTF-8; and the address the request came from.
 */
public record ResourceRequest(String path, Map<String, List<String>> parameters, InetAddress peer) {

    public ResourceRequest {
        parameters = Map.copyOf(parameters);
        java.util.Objects.requireNonNull(peer, "peer");
    }

    /**
     * Parses a request target ({@code /path?a=b}).
     *
     * @throws IllegalArgumentException if the query's percent-encoding is broken
     */
    public static ResourceRequest parse(String uri, InetAddress peer) {
        QueryStringDecoder decoder = new QueryStringDecoder(uri, StandardCharsets.UTF_8, true,
                Limits.MAX_QUERY_PARAMETERS);
        return new ResourceRequest(decoder.path(), decoder.parameters(), peer);
    }

    /** Whether the request came from this machine or a private network (RFC 1918, RFC 4193, link-local). */
    public boolean fromPrivateNetwork() {
        return dev.liaison.gateway.transport.PrivateAddresses.isPrivate(peer);
    }

    /** The first value of parameter {@code name}, if it was given. */
    public Optional<String> parameter(String name) {
        List<String> values = parameters.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }
}
