package dev.liaison.gateway.transport.receive;

import dev.liaison.gateway.transport.Limits;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an {@link HttpResource} is asked: its path and the decoded query parameters, at most
 * {@link Limits#MAX_QUERY_PARAMETERS} of them (more are ignored), each name and value as the
 * client percent-encoded it, decoded as UTF-8.
 */
public record ResourceRequest(String path, Map<String, List<String>> parameters) {

    public ResourceRequest {
        parameters = Map.copyOf(parameters);
    }

    /**
     * Parses a request target ({@code /path?a=b}).
     *
     * @throws IllegalArgumentException if the query's percent-encoding is broken
     */
    public static ResourceRequest parse(String uri) {
        QueryStringDecoder decoder = new QueryStringDecoder(uri, StandardCharsets.UTF_8, true,
                Limits.MAX_QUERY_PARAMETERS);
        return new ResourceRequest(decoder.path(), decoder.parameters());
    }

    /** The first value of parameter {@code name}, if it was given. */
    public Optional<String> parameter(String name) {
        List<String> values = parameters.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }
}
