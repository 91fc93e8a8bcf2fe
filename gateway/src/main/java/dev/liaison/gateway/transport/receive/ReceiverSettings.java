package dev.liaison.gateway.transport.receive;

import dev.liaison.smtp.message.ArrivalPace;
import dev.liaison.gateway.transport.Limits;
import io.netty.handler.ssl.SslContext;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How the receiving service listens and protects itself. {@link #https} is the production form;
 * {@link #plainHttp} exists for loopback tests and must be chosen explicitly ({@code http.tls=false}).
 *
 * @param port      0 picks a free port; {@link ReceivingServer#port()} tells which
 * @param resources further documents the listener serves (metrics, health, autoconfiguration)
 * @param maxBufferedBytes envelope bytes held over all connections at once ({@link dev.liaison.smtp.message.OctetBudget}); default
 *                  {@link Limits#bufferedEnvelopeBytes}
 * @param events    told what the service received and processed (metrics)
 * @param uploadPace the slowest an envelope upload may arrive; default {@link Limits#UPLOAD_PACE}
 */
public record ReceiverSettings(InetAddress bindAddress, int port, Security security, int maxEnvelopeBytes,
                               int unresolvableThreshold, Duration unresolvableWindow, int processorThreads,
                               int maxProcessingAttempts, Duration pollInterval, Clock clock,
                               HttpResources resources, ReceivingEvents events, long maxBufferedBytes,
                               ArrivalPace uploadPace) {

    public ReceiverSettings {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(security, "security");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(resources, "resources");
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(uploadPace, "uploadPace");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " outside 0..65535");
        }
        if (maxEnvelopeBytes < 1 || maxEnvelopeBytes > Limits.MAX_ENVELOPE_BYTES) {
            throw new IllegalArgumentException("maximum envelope size " + maxEnvelopeBytes + " outside 1.."
                    + Limits.MAX_ENVELOPE_BYTES);
        }
        if (maxBufferedBytes < maxEnvelopeBytes) {
            throw new IllegalArgumentException("envelope bytes held at once (" + maxBufferedBytes
                    + ") must be at least the maximum envelope size (" + maxEnvelopeBytes + ")");
        }
        if (unresolvableThreshold < 1 || processorThreads < 1 || maxProcessingAttempts < 1) {
            throw new IllegalArgumentException("threshold " + unresolvableThreshold + ", processor threads "
                    + processorThreads + " and attempts " + maxProcessingAttempts + " must be positive");
        }
    }

    /** Settings serving only the transport's own endpoints and reporting nothing. */
    public ReceiverSettings(InetAddress bindAddress, int port, Security security, int maxEnvelopeBytes,
                            int unresolvableThreshold, Duration unresolvableWindow, int processorThreads,
                            int maxProcessingAttempts, Duration pollInterval, Clock clock) {
        this(bindAddress, port, security, maxEnvelopeBytes, unresolvableThreshold, unresolvableWindow, processorThreads,
                maxProcessingAttempts, pollInterval, clock, HttpResources.NONE, ReceivingEvents.NONE,
                Limits.bufferedEnvelopeBytes(maxEnvelopeBytes), Limits.UPLOAD_PACE);
    }

    /** HTTPS with the gateway's certificate and every bound at its default. */
    public static ReceiverSettings https(InetAddress bindAddress, int port, SslContext tls) {
        return defaults(bindAddress, port, new Security.Tls(tls));
    }

    /** Cleartext HTTP: only when {@code http.tls=false} is configured explicitly, for loopback tests. */
    public static ReceiverSettings plainHttp(InetAddress bindAddress, int port) {
        return defaults(bindAddress, port, new Security.Plain());
    }

    private static ReceiverSettings defaults(InetAddress bindAddress, int port, Security security) {
        return new ReceiverSettings(bindAddress, port, security, Limits.MAX_ENVELOPE_BYTES,
                Limits.UNRESOLVABLE_THRESHOLD, Limits.UNRESOLVABLE_WINDOW, 2, Limits.MAX_PROCESSING_ATTEMPTS,
                Limits.POLL_INTERVAL, Clock.systemUTC());
    }

    public ReceiverSettings withMaxEnvelopeBytes(int value) {
        return new ReceiverSettings(bindAddress, port, security, value, unresolvableThreshold, unresolvableWindow,
                processorThreads, maxProcessingAttempts, pollInterval, clock, resources, events,
                Math.max(maxBufferedBytes, value), uploadPace);
    }

    public ReceiverSettings withUnresolvableThreshold(int value) {
        return new ReceiverSettings(bindAddress, port, security, maxEnvelopeBytes, value, unresolvableWindow,
                processorThreads, maxProcessingAttempts, pollInterval, clock, resources, events, maxBufferedBytes, uploadPace);
    }

    public ReceiverSettings withMaxProcessingAttempts(int value) {
        return new ReceiverSettings(bindAddress, port, security, maxEnvelopeBytes, unresolvableThreshold,
                unresolvableWindow, processorThreads, value, pollInterval, clock, resources, events, maxBufferedBytes, uploadPace);
    }

    public ReceiverSettings withPollInterval(Duration value) {
        return new ReceiverSettings(bindAddress, port, security, maxEnvelopeBytes, unresolvableThreshold,
                unresolvableWindow, processorThreads, maxProcessingAttempts, value, clock, resources, events, maxBufferedBytes, uploadPace);
    }

    public ReceiverSettings withResources(HttpResources value) {
        return new ReceiverSettings(bindAddress, port, security, maxEnvelopeBytes, unresolvableThreshold,
                unresolvableWindow, processorThreads, maxProcessingAttempts, pollInterval, clock, value, events,
                maxBufferedBytes, uploadPace);
    }

    public ReceiverSettings withEvents(ReceivingEvents value) {
        return new ReceiverSettings(bindAddress, port, security, maxEnvelopeBytes, unresolvableThreshold,
                unresolvableWindow, processorThreads, maxProcessingAttempts, pollInterval, clock, resources, value,
                maxBufferedBytes, uploadPace);
    }

    /** At most {@code value} envelope bytes held over all connections at once (at least the maximum envelope). */
    public ReceiverSettings withMaxBufferedBytes(long value) {
        return new ReceiverSettings(bindAddress, port, security, maxEnvelopeBytes, unresolvableThreshold,
                unresolvableWindow, processorThreads, maxProcessingAttempts, pollInterval, clock, resources, events, value, uploadPace);
    }

    /** Uploads slower than {@code value} are cut off. */
    public ReceiverSettings withUploadPace(ArrivalPace value) {
        return new ReceiverSettings(bindAddress, port, security, maxEnvelopeBytes, unresolvableThreshold,
                unresolvableWindow, processorThreads, maxProcessingAttempts, pollInterval, clock, resources, events,
                maxBufferedBytes, value);
    }

    /** A counter with these settings' threshold and window. */
    public UnresolvableCounter newCounter() {
        return new UnresolvableCounter(unresolvableThreshold, unresolvableWindow, Limits.MAX_TRACKED_PEERS, clock);
    }

    /** Whether the listener speaks TLS. */
    public sealed interface Security {

        /** HTTPS with this context (the gateway's certificate). */
        record Tls(SslContext context) implements Security {
            public Tls {
                Objects.requireNonNull(context, "context");
            }
        }

        /** Cleartext HTTP. */
        record Plain() implements Security {
        }
    }
}
