package dev.liaison.smtp.authentication;

import java.util.Objects;

/**
 * The DMARC evaluation of one message.
 *
 * @param result      the verdict
 * @param fromDomain  the domain of the {@code From:} address (RFC 7489 §3.1), lower case
 * @param policy      what the domain asks for failing mail ({@code p=}, or {@code sp=} when the
 *                    policy was found at the organizational domain); {@link DmarcAction#NONE} when
 *                    it publishes nothing usable
 * @param disposition what this server does with the message
 */
public record DmarcCheck(DmarcResult result, String fromDomain, DmarcAction policy, DmarcDisposition disposition) {
    public DmarcCheck {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(fromDomain, "fromDomain");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(disposition, "disposition");
    }
}
