package dev.liaison.smtp.inbound;

import java.util.regex.Pattern;

/**
 * The {@link InboundRecipientPolicy}'s answer for one RCPT on the inbound MX; each kind maps to one
 * reply. Texts are shown to the sending server (and usually, in a bounce, to the sender): they say
 * what happened and never name the user behind the address.
 */
public sealed interface InboundRecipientVerdict {

    /** A published address or a correspondent's alias that takes this sender's mail: {@code 250 2.1.5}. */
    InboundRecipientVerdict ACCEPT = new Accept();

    /** No such address here: {@code 550 5.1.1}. */
    InboundRecipientVerdict UNKNOWN = new Unknown();

    /**
     * A published address its administrator disabled: {@code 550 5.2.1} (RFC 3463: the mailbox
     * exists but is not accepting messages), so the sender learns the address is off rather than
     * mistyped. Only for an address that was public anyway: a private one stays {@link #UNKNOWN}.
     */
    InboundRecipientVerdict DISABLED = new Disabled();

    /**
     * The address exists but refuses this sender (the recipient blocked them, the relationship
     * ended): {@code 550 5.7.1 <text>}.
     */
    static InboundRecipientVerdict refused(String text) {
        return new Refused(text);
    }

    /**
     * Too many new senders for this address right now: {@code 450 4.2.1 <text>} (RFC 3463: the
     * mailbox is temporarily not accepting); the sending server retries later.
     */
    static InboundRecipientVerdict rateLimited(String text) {
        return new Deferred(450, "4.2.1", text);
    }

    /** The answer is not known right now (database unavailable): {@code 451 4.3.0}, the sender retries. */
    static InboundRecipientVerdict unavailable() {
        return new Deferred(451, "4.3.0", "cannot check this recipient now; try again later");
    }

    /** See {@link #ACCEPT}. */
    record Accept() implements InboundRecipientVerdict {
    }

    /** See {@link #UNKNOWN}. */
    record Unknown() implements InboundRecipientVerdict {
    }

    /** See {@link #DISABLED}. */
    record Disabled() implements InboundRecipientVerdict {
    }

    /** See {@link #refused}. */
    record Refused(String text) implements InboundRecipientVerdict {
        public Refused {
            ReplyText.require(text);
        }
    }

    /**
     * A temporary refusal: the sending server keeps the message and retries this recipient.
     *
     * @param replyCode      450, 451 or 452 (RFC 5321 §4.2.2)
     * @param enhancedStatus an RFC 3463 transient status, {@code 4.x.y}
     * @param text           one line for the sender
     */
    record Deferred(int replyCode, String enhancedStatus, String text) implements InboundRecipientVerdict {
        private static final Pattern TRANSIENT = Pattern.compile("4\\.[0-9]{1,3}\\.[0-9]{1,3}");

        public Deferred {
            if (replyCode != 450 && replyCode != 451 && replyCode != 452) {
                throw new IllegalArgumentException("reply code " + replyCode + " is not a temporary RCPT refusal; use 450, 451 or 452");
            }
            if (enhancedStatus == null || !TRANSIENT.matcher(enhancedStatus).matches()) {
                throw new IllegalArgumentException("enhanced status '" + enhancedStatus + "' is not 4.x.y");
            }
            ReplyText.require(text);
        }
    }
}
