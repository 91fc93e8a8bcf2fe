package dev.liaison.smtp.testing;

import dev.liaison.smtp.address.EmailAddress;
import dev.liaison.smtp.inbound.InboundRecipientPolicy;
import dev.liaison.smtp.inbound.InboundRecipientVerdict;
import dev.liaison.smtp.submission.ReversePath;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The inbound recipient policy the way gateway will answer it, over a fixed table: alex publishes
 * {@code alex@gw.example}, which takes mail from anyone but at most {@link #NEW_SENDERS_PER_ADDRESS}
 * new senders; {@code bob.x7k2ab@gw.example} is the alias alex's relationship with bob uses and
 * takes mail only from bob; {@code mallory@spam.example} is blocked by alex. Every question asked
 * is recorded, so tests can show which RCPTs never reached the policy.
 */
public final class TestMailboxes implements InboundRecipientPolicy {

    public static final String DOMAIN = "gw.example";
    public static final String PUBLISHED = "alex@" + DOMAIN;
    public static final String BOB_ALIAS = "bob.x7k2ab@" + DOMAIN;
    public static final String BOB = "bob@legacy.example";
    public static final String BLOCKED = "mallory@spam.example";
    public static final int NEW_SENDERS_PER_ADDRESS = 3;

    private final Map<String, Set<String>> knownSenders = new ConcurrentHashMap<>();
    private final List<String> asked = new CopyOnWriteArrayList<>();
    private final AtomicBoolean unavailable = new AtomicBoolean();

    @Override
    public InboundRecipientVerdict check(ReversePath sender, EmailAddress recipient, InetAddress client) {
        asked.add(recipient.toString());
        if (unavailable.get()) {
            throw new IllegalStateException("test mailboxes are unavailable");
        }
        String from = sender.mailbox().map(EmailAddress::toString).orElse("");
        if (recipient.toString().equals(BOB_ALIAS)) {
            return from.equals(BOB) ? InboundRecipientVerdict.ACCEPT
                    : InboundRecipientVerdict.refused("this address takes mail from one correspondent only");
        }
        if (!recipient.toString().equals(PUBLISHED)) {
            return InboundRecipientVerdict.UNKNOWN;
        }
        if (from.equals(BLOCKED)) {
            return InboundRecipientVerdict.refused("the recipient does not accept mail from this sender");
        }
        Set<String> senders = knownSenders.computeIfAbsent(recipient.toString(), k -> ConcurrentHashMap.newKeySet());
        if (!senders.contains(from) && senders.size() >= NEW_SENDERS_PER_ADDRESS) {
            return InboundRecipientVerdict.rateLimited("too many new correspondents for this address; try again later");
        }
        senders.add(from);
        return InboundRecipientVerdict.ACCEPT;
    }

    public void setUnavailable(boolean value) {
        unavailable.set(value);
    }

    /** The recipients the policy was asked about, in order. */
    public List<String> asked() {
        return List.copyOf(asked);
    }

    public void clear() {
        asked.clear();
        knownSenders.clear();
        unavailable.set(false);
    }
}
