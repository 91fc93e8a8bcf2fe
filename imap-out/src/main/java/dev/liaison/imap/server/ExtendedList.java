package dev.liaison.imap.server;

import org.apache.james.imap.api.ImapConstants;
import org.apache.james.imap.api.Tag;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.decode.DecodingException;
import org.apache.james.imap.decode.ImapRequestLineReader;
import org.apache.james.imap.decode.parser.ListCommandParser;
import org.apache.james.imap.message.request.ListRequest;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * A LIST that RFC 5258 calls extended and James cannot express: one with a list of patterns
 * ({@code LIST "" ("INBOX" "Sent*")}, RFC 5258 §3: {@code mbox-or-pat = list-mailbox / patterns}),
 * or one whose {@code REMOTE} option was taken off. {@link ListProcessor} lists what any pattern
 * matches, each folder once; the request's own pattern is the first.
 */
final class ExtendedList extends ListRequest {

    private final List<String> patterns;

    private ExtendedList(ListRequest request, List<String> patterns, EnumSet<ListSelectOption> selectOptions) {
        super(ImapConstants.LIST_COMMAND, request.getBaseReferenceName(), patterns.get(0), request.getTag(),
                selectOptions, request.getReturnOptions(), request.getStatusDataItems());
        this.patterns = List.copyOf(patterns);
    }

    /** The patterns, in the client's order. */
    List<String> patterns() {
        return patterns;
    }

    /** This request for {@code pattern} alone, still extended. */
    ExtendedList only(String pattern) {
        return new ExtendedList(this, List.of(pattern), getSelectOptions());
    }

    /**
     * {@code request} for {@code patterns}, without REMOTE. RFC 5258 §3.1: REMOTE "has no
     * interaction with other options", it adds remote mailboxes to the local ones; a server
     * without remote mailboxes accepts it and answers as if it were absent (James listed nothing).
     */
    private static ExtendedList local(ListRequest request, List<String> patterns) {
        EnumSet<ListRequest.ListSelectOption> options = EnumSet.copyOf(request.getSelectOptions());
        options.remove(ListSelectOption.REMOTE);
        return new ExtendedList(request, patterns, options);
    }

    /**
     * James's LIST parser, which reads one pattern; a list of them is read here. One instance per
     * command: it keeps the list it read until {@link #decode} returns.
     */
    static final class Parser extends ListCommandParser {

        private static final HumanReadableText NO_PATTERN = new HumanReadableText(
                "org.apache.james.imap.ILLEGAL_ARGUMENTS",
                "failed. A pattern list needs at least one pattern: (\"INBOX\" \"Sent*\") (RFC 5258 3).");
        private static final HumanReadableText TOO_MANY = new HumanReadableText("liaison.list.patterns",
                "At most " + Limits.LIST_PATTERNS + " patterns in one LIST; send several LISTs.");
        private static final ImapRequestLineReader.CharacterValidator PATTERN_ATOM =
                chr -> ImapRequestLineReader.isListWildcard(chr)
                        || ImapRequestLineReader.AtomCharValidator.INSTANCE.isValid(chr);

        private static final HumanReadableText NOT_A_PATTERN = new HumanReadableText(
                "org.apache.james.imap.ILLEGAL_ARGUMENTS",
                "failed. A pattern list holds quoted strings, atoms or literals separated by single spaces (RFC 5258 3).");

        private List<String> patterns;
        private boolean tooMany;

        Parser(org.apache.james.imap.api.message.response.StatusResponseFactory responses) {
            super(responses);
        }

        @Override
        public String listMailbox(ImapRequestLineReader request) throws DecodingException {
            if (request.nextWordChar() != '(') {
                return super.listMailbox(request);
            }
            request.consumeChar('(');
            List<String> read = new ArrayList<>();
            tooMany = false;
            while (request.nextWordChar() != ')') {
                String pattern = pattern(request);
                if (read.size() < Limits.LIST_PATTERNS) {
                    read.add(pattern);
                } else {
                    tooMany = true; // read on to the end of the list, keeping no more of it
                }
            }
            request.consumeChar(')');
            if (read.isEmpty()) {
                throw new DecodingException(NO_PATTERN, "empty pattern list");
            }
            patterns = read;
            return read.get(0);
        }

        /**
         * One list-mailbox inside the list: an atom there ends at the list's {@code )}. An atom of
         * nothing (a tab, or any other octet no atom may hold) is refused: James's nextWordChar skips
         * spaces only, so such an octet would be read as an empty pattern again and again, for good.
         */
        private String pattern(ImapRequestLineReader request) throws DecodingException {
            char next = request.nextWordChar();
            if (next == '"' || next == '{') {
                return super.listMailbox(request);
            }
            String atom = request.consumeWord(PATTERN_ATOM, true);
            if (atom.isEmpty()) {
                throw new DecodingException(NOT_A_PATTERN, "no pattern at '" + next + "'");
            }
            return atom;
        }

        @Override
        protected org.apache.james.imap.api.ImapMessage decode(ImapRequestLineReader request, Tag tag, boolean useUids,
                                                               ImapSession session) throws DecodingException {
            org.apache.james.imap.api.ImapMessage message = super.decode(request, tag, useUids, session);
            if (!(message instanceof ListRequest list) || patterns == null && !list.selectRemote()) {
                return message;
            }
            if (tooMany) {
                return taggedNo(tag, getCommand(), TOO_MANY, ResponseCodeEncoder.LIMIT);
            }
            return local(list, patterns == null ? List.of(list.getMailboxPattern()) : patterns);
        }
    }
}
