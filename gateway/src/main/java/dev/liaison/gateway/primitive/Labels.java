package dev.liaison.gateway.primitive;

import java.nio.charset.StandardCharsets;

/**
 * Every domain-separation string of the protocol, in one place so {@code docs/protocol.md} can
 * list them exactly. Each KDF use, signature and HPKE context gets its own label so that no key or
 * signature made for one purpose can be replayed into another.
 */
public final class Labels {
    public static final byte[] INVITATION_SIGNATURE = ascii("Liaison v1 invitation signature");
    public static final byte[] ACCEPTANCE_SIGNATURE = ascii("Liaison v1 acceptance signature");
    public static final byte[] X3DH_SECRETS = ascii("Liaison v1 X3DH");
    public static final byte[] SESSION_ASSOCIATED_DATA = ascii("Liaison v1 session associated data");
    public static final byte[] RATCHET_ROOT = ascii("Liaison v1 ratchet root");
    public static final byte[] RATCHET_MESSAGE_KEY = ascii("Liaison v1 ratchet message key");
    public static final byte[] ADDRESS_RECIPIENT_DIVERSIFICATION = ascii("Liaison v1 recipient-diversified address");
    public static final byte[] ADDRESS_SENDER_DIVERSIFICATION = ascii("Liaison v1 sender-diversified address");
    public static final byte[] ADDRESS_SIGNATURE = ascii("Liaison v1 address signature");
    public static final byte[] KEY_AGREEMENT = ascii("Liaison v1 key agreement");

    private Labels() {
    }

    private static byte[] ascii(String label) {
        return label.getBytes(StandardCharsets.US_ASCII);
    }
}
