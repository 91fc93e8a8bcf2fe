package dev.liaison.gateway.transport.send;

import dev.liaison.gateway.transport.Limits;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Set;

/**
 * POSTs one envelope to a receiving service with the JDK {@link HttpClient} and classifies the
 * answer. Wire contract (docs/transport.md): body = the envelope bytes, {@code Content-Type:
 * application/octet-stream}, the idempotency key in the {@code Envelope-Id} header.
 */
public final class EnvelopePoster {

    public static final String ENVELOPE_ID_HEADER = "Envelope-Id";

    /** Refusals of the envelope itself; any other 4xx may be the receiver's passing state. */
    private static final Set<Integer> PERMANENT = Set.of(400, 404, 405, 410, 413, 414, 415, 501);

    private final HttpClient client;

    public EnvelopePoster(HttpClient client) {
        this.client = client;
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

    /** Sends {@code envelope} once; never throws for network failures, only reports them. */
    public DeliveryOutcome post(ClaimedEnvelope envelope) throws InterruptedException {
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
