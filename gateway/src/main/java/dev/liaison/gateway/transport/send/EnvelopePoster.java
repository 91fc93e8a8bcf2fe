package dev.liaison.gateway.transport.send;

import dev.liaison.gateway.transport.Limits;
import dev.liaison.gateway.transport.PrivateAddresses;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * POSTs one envelope to a receiving service and classifies the answer. Wire contract
 * (docs/transport.md): body = the envelope bytes, {@code Content-Type: application/octet-stream},
 * the idempotency key in the {@code Envelope-Id} header.
 *
 * <p>On the JDK's blocking {@link HttpURLConnection}, one delivery thread per POST, with its
 * keep-alive cache: measured here, a request on it took a third of the time of the same request
 * on {@code java.net.http.HttpClient}, whose asynchronous design hands every exchange between
 * several threads (docs/benchmarks.md). HTTP/1.1, no redirects (an envelope goes exactly where
 * its address says, never where a peer points it), no proxy, bounded connect and read times,
 * and {@code tls} deciding which receiver certificates are trusted (host names are verified).
 */
public final class EnvelopePoster implements Courier {

    public static final String ENVELOPE_ID_HEADER = "Envelope-Id";

    /** Refusals of the envelope itself; any other 4xx may be the receiver's passing state. */
    private static final Set<Integer> PERMANENT = Set.of(400, 404, 405, 410, 413, 414, 415, 501);

    /**
     * Envelopes up to this size are buffered by the JDK rather than streamed. Before a streamed POST
     * the JDK probes a kept-alive connection with a read that waits 1 ms
     * ({@code sun.net.www.http.HttpClient.available}): a fifth of an unloaded relay's POST of a
     * 16 KiB envelope here (docs/benchmarks.md). A buffered body costs one copy, goes with its
     * Content-Length too, and is sent once more on a fresh connection if the kept one turns out
     * closed, which the receiver's deduplication by Envelope-Id makes safe. Above this size the
     * copy would cost more memory than the millisecond is worth.
     */
    static final int STREAMED_ABOVE = 1024 * 1024;

    private final SSLSocketFactory tls;
    private final boolean privateDestinations;

    /** A poster that delivers to any address, loopback and private networks included (tests, one machine). */
    public EnvelopePoster(SSLContext tls) {
        this(tls, true);
    }

    /**
     * @param privateDestinations whether envelopes may go to loopback, private, link-local or
     *                            unspecified addresses. A peer chooses the URLs in its routes; without
     *                            this check it could make the gateway POST into the operator's own
     *                            network. Off in production ({@code relay.private-destinations=false}).
     */
    public EnvelopePoster(SSLContext tls, boolean privateDestinations) {
        this.tls = tls.getSocketFactory();
        this.privateDestinations = privateDestinations;
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
        DeliveryOutcome outcome;
        try {
            outcome = exchange(envelope);
        } catch (SocketTimeoutException e) {
            outcome = new DeliveryOutcome.Retry("timed out: " + e.getMessage(), Duration.ZERO);
        } catch (IOException e) {
            outcome = new DeliveryOutcome.Retry(describe(e), Duration.ZERO);
        } catch (IllegalArgumentException e) { // a URL the JDK cannot use; the route may be fixed later
            outcome = new DeliveryOutcome.Retry("unusable destination: " + e.getMessage(), Duration.ZERO);
        }
        if (Thread.interrupted()) {
            throw new InterruptedException("stopped while delivering envelope " + envelope.id());
        }
        return outcome;
    }

    private DeliveryOutcome exchange(ClaimedEnvelope envelope) throws IOException {
        byte[] body = envelope.envelope().sharedArray();
        HttpURLConnection http = (HttpURLConnection) envelope.destination().toURL().openConnection(Proxy.NO_PROXY);
        if (http instanceof HttpsURLConnection https) {
            https.setSSLSocketFactory(tls);
        }
        http.setInstanceFollowRedirects(false);
        http.setUseCaches(false);
        http.setConnectTimeout((int) Limits.CONNECT_TIMEOUT.toMillis());
        http.setReadTimeout((int) Limits.REQUEST_TIMEOUT.toMillis());
        http.setRequestMethod("POST");
        http.setDoOutput(true);
        if (body.length > STREAMED_ABOVE) {
            http.setFixedLengthStreamingMode(body.length);
        }
        http.setRequestProperty("Content-Type", "application/octet-stream");
        http.setRequestProperty(ENVELOPE_ID_HEADER, envelope.id().value());
        try (OutputStream out = http.getOutputStream()) {
            out.write(body);
        }
        int status = http.getResponseCode();
        String retryAfter = http.getHeaderField("Retry-After");
        drain(http, status);
        return classify(status, retryAfter == null ? "" : retryAfter);
    }

    /** Reads the (short) answer to its end, so the connection goes back to the keep-alive cache. */
    private static void drain(HttpURLConnection http, int status) throws IOException {
        try (InputStream in = status >= 400 ? http.getErrorStream() : http.getInputStream()) {
            if (in != null) {
                in.transferTo(OutputStream.nullOutputStream());
            }
        }
    }

    /**
     * Why {@code destination} is refused as a private address, if it is. A name that does not
     * resolve now is left to the HTTP client (a retryable connection failure).
     */
    static Optional<String> privateDestination(URI destination) {
        try {
            for (InetAddress address : InetAddress.getAllByName(destination.getHost())) {
                if (PrivateAddresses.isPrivate(address)) {
                    return Optional.of("destination " + destination.getHost() + " is a private address ("
                            + address.getHostAddress() + "); set relay.private-destinations=true to relay to it");
                }
            }
            return Optional.empty();
        } catch (UnknownHostException e) {
            return Optional.empty();
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

    /** What went wrong, in words an administrator can act on (the JDK's message is often a bare host name). */
    static String describe(IOException e) {
        Throwable cause = e;
        while (cause.getCause() instanceof IOException deeper && cause.getCause() != cause) {
            cause = deeper;
        }
        String message = cause.getMessage() != null ? cause.getMessage() : "";
        if (cause instanceof java.net.UnknownHostException) {
            return "host name " + message + " does not resolve (DNS)";
        }
        if (cause instanceof ConnectException || cause instanceof java.net.http.HttpConnectTimeoutException) {
            return "cannot connect" + (message.isEmpty() ? "" : ": " + message);
        }
        if (cause instanceof javax.net.ssl.SSLException) {
            return "TLS failed: " + message;
        }
        return "I/O failure: " + (message.isEmpty() ? cause.getClass().getSimpleName()
                : cause.getClass().getSimpleName() + ": " + message);
    }
}
