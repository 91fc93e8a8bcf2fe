package dev.liaison.gateway.legacy.delivery;

/**
 * The administrator has configured neither a smarthost ({@code legacy.relay.host}) nor direct
 * delivery ({@code legacy.direct-mx=true}), so this gateway sends no plain email: a fresh install
 * is never an accidental relay. Suggested reply: {@code 550 5.7.1} with this message.
 */
public final class LegacyEmailDisabledException extends LegacyDeliveryException {

    public LegacyEmailDisabledException() {
        super(LegacyOutbox.NOT_CONFIGURED);
    }
}
