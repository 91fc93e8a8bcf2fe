package dev.liaison.smtp.inbound;

import dev.liaison.smtp.authentication.DmarcResult;

/**
 * What the inbound MX reports as it works, for gateway's metrics (smtp-in keeps no counters).
 * Contract: called on the SMTP I/O threads, so an implementation is quick, never blocks and never
 * throws; every method has a no-op default. Nothing passed names an address: only outcomes,
 * counts, sizes and durations.
 */
public interface InboundEvents {

    /** Reports nothing. */
    InboundEvents NONE = new InboundEvents() {
    };

    /** A server connected (after the connection limits let it in). */
    default void sessionOpened() {
    }

    /** A server's connection ended, however it ended. */
    default void sessionClosed() {
    }

    /** A RCPT was refused. */
    default void recipientRefused(RecipientRefusal refusal) {
    }

    /**
     * A transaction ended at the end of DATA, or at MAIL when a declared {@code SIZE} found no room
     * ({@link TransactionOutcome#DEFERRED_BUSY}, with no recipients and the declared size).
     *
     * @param dmarc       the DMARC verdict; {@link DmarcResult#NONE} when the message was refused
     *                    before it was checked (limits, no usable {@code From:}, the checks failed)
     * @param recipients  accepted RCPTs
     * @param octets      message size (as received, or up to the refusal; at MAIL, the declared size)
     * @param commitNanos how long the {@link InboundHandler} took; 0 when it was not asked
     */
    default void transactionEnded(TransactionOutcome outcome, DmarcResult dmarc, int recipients, long octets,
                                  long commitNanos) {
    }

    /** Why a RCPT was refused. */
    enum RecipientRefusal {
        /** 550 5.7.1: not a domain this gateway serves (a relay attempt). */
        NOT_OUR_DOMAIN,
        /** 550 5.1.1. */
        UNKNOWN,
        /** 550 5.2.1: a published address that is disabled. */
        DISABLED,
        /** 550 5.7.1 from the policy (blocked, ended). */
        REFUSED,
        /** 45x from the policy (rate limit, unavailable). */
        DEFERRED
    }

    /** How a transaction ended. */
    enum TransactionOutcome {
        /** 250: the handler committed the message. */
        ACCEPTED,
        /**
         * 552/554: refused while it streamed in: a limit broken (size, line, header), header text that is not UTF-8
         * text, or a once-only field given twice (two {@code From:} included: refused here, before the
         * author check of {@link #REFUSED_AUTHOR}).
         */
        REFUSED_LIMITS,
        /**
         * 452 4.3.1 / 451 4.4.2: the MX (or this client address's quarter) held as many message octets
         * as it may, also at MAIL for a declared {@code SIZE}, or the message came too slowly; the
         * sending server retries.
         */
        DEFERRED_BUSY,
        /** 550 5.7.1: no single usable {@code From:} mailbox to check DMARC against (two {@code From:} fields: {@link #REFUSED_LIMITS}). */
        REFUSED_AUTHOR,
        /** 550 5.7.1: failed DMARC where the author domain publishes {@code p=reject}. */
        REFUSED_DMARC,
        /** 451 4.4.3: DMARC could not be decided for want of a DNS answer. */
        DEFERRED_DMARC,
        /** 5xx: the handler refused it permanently. */
        REFUSED,
        /** 451: the handler failed; the sending server keeps the message and retries. */
        NOT_COMMITTED
    }
}
