package dev.liaison.imap.server;

import org.apache.james.imap.api.message.Capability;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.metrics.api.MetricFactory;

import java.util.List;

/**
 * SEARCH, James's, without SEARCHRES (RFC 5182) among the capabilities it announces: James's {@code $}
 * is not the saved result the RFC defines, and a client that trusts it acts on the wrong messages.
 * James resolves {@code $} when it decodes a command rather than when it runs it, so a pipelined
 * {@code SEARCH RETURN (SAVE) …} then {@code STORE $ …}, the extension's purpose, used the result
 * before; it keeps the numbers as the search gave them, so a result saved by UID SEARCH was read as
 * sequence numbers by FETCH $ (and the other way round), and an EXPUNGE shifted every saved sequence
 * number instead of removing the expunged message; {@code SEARCH UID $} was BAD. A client that
 * does not see SEARCHRES waits for each result, which is correct.
 */
final class SearchProcessor extends org.apache.james.imap.processor.SearchProcessor {

    private static final Capability SEARCHRES = Capability.of("SEARCHRES");

    SearchProcessor(MailboxManager mailboxes, StatusResponseFactory responses, MetricFactory metrics) {
        super(mailboxes, responses, metrics);
    }

    @Override
    public List<Capability> getImplementedCapabilities(ImapSession session) {
        return super.getImplementedCapabilities(session).stream().filter(c -> !SEARCHRES.equals(c)).toList();
    }
}
