package dev.liaison.imap.server;

import org.apache.james.imap.api.message.Capability;
import org.apache.james.imap.api.message.request.ImapRequest;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.processor.CapabilityProcessor;
import org.apache.james.imap.processor.PermitEnableCapabilityProcessor;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.metrics.api.MetricFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * ENABLE (RFC 5161) asking this server's own processors. James keeps the processors that may be
 * enabled in one list for the whole JVM, filled by every server built in it, and asks the first
 * that permits a capability: with two gateways in one process (the demo, the tests) or a server
 * built again, ENABLE QRESYNC in a selected folder ran another server's SELECT processor, which
 * read the folder through that server's store (another database, or a closed one) and failed or
 * answered another folder's HIGHESTMODSEQ.
 */
final class EnableProcessor extends org.apache.james.imap.processor.EnableProcessor {

    private final CapabilityProcessor capabilities;
    private final List<PermitEnableCapabilityProcessor> permitting = new ArrayList<>();

    EnableProcessor(MailboxManager mailboxes, StatusResponseFactory responses, MetricFactory metrics,
                    CapabilityProcessor capabilities) {
        super(mailboxes, responses, metrics, capabilities);
        this.capabilities = capabilities;
    }

    /** This server's processor, kept here and not in James's JVM-wide list. */
    @Override
    public void addProcessor(PermitEnableCapabilityProcessor processor) {
        permitting.add(processor);
    }

    @Override
    public Mono<Set<Capability>> enable(ImapRequest request, Responder responder, ImapSession session,
                                        List<Capability> caps) {
        Set<Capability> supported = capabilities.getSupportedCapabilities(session);
        return Flux.fromIterable(caps)
                .filter(supported::contains)
                .concatMap(cap -> Flux.fromIterable(permitting)
                        .filter(processor -> processor.getPermitEnableCapabilities(session).contains(cap))
                        .next()
                        .flatMap(processor -> processor.enable(request, responder, session, cap).then(Mono.just(cap))))
                .collect(Collectors.toSet())
                .map(enabled -> {
                    getEnabledCapabilities(session).addAll(enabled);
                    return enabled;
                });
    }
}
