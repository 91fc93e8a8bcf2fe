package dev.liaison.gateway.legacy.delivery;

import dev.liaison.smtp.address.EmailAddress;

import java.util.Objects;

/**
 * The SMTP envelope of one queued message and whose it is.
 *
 * @param owner     the local user's login, whose INBOX gets a failure notice
 * @param sender    the reverse path ({@code MAIL FROM}): the user's outward alias for this correspondent
 * @param recipient the one forward path ({@code RCPT TO})
 */
public record OutboundMail(String owner, EmailAddress sender, EmailAddress recipient) {

    public OutboundMail {
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(recipient, "recipient");
        if (owner == null || owner.isBlank() || owner.length() > Limits.MAX_OWNER_LENGTH) {
            throw new IllegalArgumentException("owner must be a login of 1.." + Limits.MAX_OWNER_LENGTH + " characters");
        }
        for (EmailAddress address : new EmailAddress[]{sender, recipient}) {
            if (address.toString().length() > Limits.MAX_ADDRESS_LENGTH) {
                throw new IllegalArgumentException("address of " + address.toString().length()
                        + " characters exceeds RFC 5321's " + Limits.MAX_ADDRESS_LENGTH);
            }
        }
    }

    /** Says who, never to whom: the addresses are the metadata this gateway protects. */
    @Override
    public String toString() {
        return "OutboundMail[owner " + owner + "]";
    }
}
