package dev.liaison.gateway.transport.send;

import dev.liaison.gateway.transport.Limits;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * POSTs one envelope to a receiving service with the JDK {@link HttpClient} and classifies the
 * answer. Wire contract (docs/transport.md): body = the envelope bytes, {@code Content-Type:
 * application/octet-stream}, the idempotency key in the {@code Envelope-Id} header.
 */
public final class EnvelopePoster implements Courier {

    public static final String ENVELOPE_ID_HEADER = "Envelope-Id";

    /** Refusals of the envelope itself; any other 4xx may be the receiver's passing state. */
    private static final Set<Integer> PERMANENT = Set.of(400, 404, 405, 410, 413, 414, 415, 501);

    private final HttpClient client;
    private final boolean privateDestinations;

    /** A poster that delivers to any address, loopback and private networks included (tests, one machine). */
    public EnvelopePoster(HttpClient client) {
        this(client, true);
    }

    /**
     * @param privateDestinations whether envelopes may go to loopback, private, link-local or
     *                            unspecified addresses. A peer chooses the URLs in its routes; without
     *                            this check it could make the gateway POST into the operator's own
     *                            network. Off in production ({@code relay.private-destinations=false}).
     */
    public EnvelopePoster(HttpClient client, boolean privateDestinations) {
        this.client = client;
        this.privateDestinations = privateDestinations;
    }

    /**
     * A client for delivery: HTTP/1.1 (receivers need not speak HTTP/2), no redirects (an
     * envelope goes exactly where its address says, never where a peer points it), bounded
     * connect time, and {@code tls} deciding which receiver certificates are trusted.
     */
    public static HttpClient httpClient(SSLContext tls) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Limits.CONNECT_TIMEOUT)
                .sslContext(tls)
                .build();
    }

    @Override
    public DeliveryOutcome deliver(ClaimedEnvelope envelope) throws InterruptedException {
        return post(envelope);
    }

    /** Sends {@code envelope} once; never throws for network failures, only reports them. */
    public DeliveryOutcome post(ClaimedEnvelope envelope) throws InterruptedException {
        if (!privateDestinations) {
            Optional<String> refusal = privateDestination(envelope.destination());
            if (refusal.isPresent()) {
                return new DeliveryOutcome.Rejected(refusal.get());
            }
        }
        HttpRequest request = HttpRequest.newBuilder(envelope.destination())
                .timeout(Limits.REQUEST_TIMEOUT)
                .header("Content-Type", "application/octet-stream")
                .header(ENVELOPE_ID_HEADER, envelope.id().value())
                .POST(HttpRequest.BodyPublishers.ofByteArray(envelope.envelope().sharedArray()))
                .build();
        try {
            HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
            return classify(response.statusCode(), response.headers().firstValue("Retry-After").orElse(""));
        } catch (HttpTimeoutException e) {
            return new DeliveryOutcome.Retry("timed out: " + e.getMessage(), Duration.ZERO);
        } catch (ConnectException e) {
            return new DeliveryOutcome.Retry("cannot connect: " + describe(e), Duration.ZERO);
        } catch (IOException e) {
            return new DeliveryOutcome.Retry("I/O failure: " + describe(e), Duration.ZERO);
        }
    }

    /**
     * Why {@code destination} is refused as a private address, if it is. A name that does not
     * resolve now is left to the HTTP client (a retryable connection failure).
     */
    static Optional<String> privateDestination(URI destination) {
        try {
            for (InetAddress address : InetAddress.getAllByName(destination.getHost())) {
                if (address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
                        || address.isAnyLocalAddress() || address.isMulticastAddress() || uniqueLocal(address)) {
                    return Optional.of("destination " + destination.getHost() + " is a private address ("
                            + address.getHostAddress() + "); set relay.private-destinations=true to relay to it");
                }
            }
            return Optional.empty();
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** IPv6 unique local addresses (fc00::/7), which {@link InetAddress#isSiteLocalAddress} does not cover. */
    private static boolean uniqueLocal(InetAddress address) {
        return address instanceof Inet6Address && (address.getAddress()[0] & 0xfe) == 0xfc;
    }

    static DeliveryOutcome classify(int status, String retryAfter) {
        if (status >= 200 && status < 300) {
            return new DeliveryOutcome.Delivered(status);
        }
        if (PERMANENT.contains(status)) {
            return new DeliveryOutcome.Rejected("HTTP " + status);
        }
        return new DeliveryOutcome.Retry("HTTP " + status, retryAfter(retryAfter));
    }

    /** Retry-After in seconds (the HTTP-date form is not used by receivers of this protocol). */
    static Duration retryAfter(String header) {
        if (!header.matches("[0-9]{1,9}")) {
            return Duration.ZERO;
        }
        Duration asked = Duration.ofSeconds(Long.parseLong(header));
        return asked.compareTo(Limits.MAX_RETRY_AFTER) > 0 ? Limits.MAX_RETRY_AFTER : asked;
    }

    private static String describe(IOException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
