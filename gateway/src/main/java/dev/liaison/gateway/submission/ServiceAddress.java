package dev.liaison.gateway.submission;

import dev.liaison.smtp.address.EmailAddress;

import java.util.Locale;
import java.util.Optional;

/**
 * The gateway's own addresses a user writes to instead of running a command: {@code invite@<domain>}
 * answers with an invitation to forward, {@code accept@<domain>} accepts the invitation in the
 * message. Generated aliases always contain a dot, so no alias can take these names.
 */
public enum ServiceAddress {
    INVITE("invite"),
    ACCEPT("accept");

    private final String localPart;

    ServiceAddress(String localPart) {
        this.localPart = localPart;
    }

    public String localPart() {
        return localPart;
    }

    public String at(String domain) {
        return localPart + "@" + domain;
    }

    public static Optional<ServiceAddress> of(EmailAddress address, String domain) {
        if (!domain.equals(address.domain())) {
            return Optional.empty();
        }
        String local = address.localPart().toLowerCase(Locale.ROOT);
        for (ServiceAddress s : values()) {
            if (s.localPart.equals(local)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
