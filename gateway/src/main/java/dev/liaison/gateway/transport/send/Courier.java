package dev.liaison.gateway.transport.send;

/**
 * Carries one claimed envelope to its destination once and says what came of it: the relay's
 * {@link EnvelopePoster} POSTs to a receiving service, legacy email speaks SMTP. The
 * {@link DeliveryWorker} around it owns claiming, retrying, expiry and failure notices.
 *
 * <p>Contract: called on a delivery thread with no transaction open; reports network failures
 * and refusals as a {@link DeliveryOutcome} instead of throwing; returns within the queue's claim
 * lease, or another worker may carry the same envelope at the same time.
 */
@FunctionalInterface
public interface Courier {

    DeliveryOutcome deliver(ClaimedEnvelope envelope) throws InterruptedException;
}
