package dev.liaison.imap.server;

import org.apache.james.imap.message.response.FetchResponse;
import org.apache.james.mime4j.codec.EncoderUtil;
import org.apache.james.imap.message.response.FetchResponse.Envelope;
import org.apache.james.imap.message.response.FetchResponse.Envelope.Address;
import org.apache.james.imap.message.response.FetchResponse.Structure;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * ENVELOPE address names as the message's phrase says them (RFC 3501 §7.4.2: addr-name is the
 * phrase). James decodes the phrase and then encodes it again for a mail header (mime4j's
 * {@code EncoderUtil.encodeAddressDisplayName}), which wraps any name with a special character in
 * double quotes: {@code From: "John Q. Public" <jqp@example.net>} came out as
 * {@code ("\"John Q. Public\"" NIL "jqp" "example.net")}, and clients showed the quotes. An IMAP
 * string needs no header quoting, so the quotes and their backslash escapes come off here (in
 * ENVELOPE and in the envelopes BODYSTRUCTURE gives attached messages). A name James wrote as
 * RFC 2047 encoded words (non-ASCII) stays so: clients decode those in ENVELOPE as in headers.
 * A phrase never starts and ends with a bare {@code "} once decoded, so only James's quoting is undone.
 *
 * <p>A name written in raw 8-bit text ({@code From: Jürgen <j@x.de>}, RFC 6532) is sent as its UTF-8
 * octets ({@link EightBitStrings} writes them as a literal), as Dovecot sends it; James had read
 * the octets as Latin-1 and sent {@code =?ISO-8859-1?Q?J=C3=BCrgen?=}.
 *
 * <p>An address written without a phrase but with a comment ({@code jdoe@example.net (John Doe)})
 * gets the comment as its name in ENVELOPE, as c-client and Dovecot answer (see
 * {@code dev.liaison.imap.store.AddressComments}).
 */
final class EnvelopeNames {

    private EnvelopeNames() {
    }

    /** The name an address without a phrase was given in a comment ({@code a@b (Name)}), if any. */
    @FunctionalInterface
    interface CommentNames {
        CommentNames NONE = (localPart, domain) -> Optional.empty();

        Optional<String> name(String localPart, String domain);

        /** The name, phrase or comment, of an address whose field wrote it in 8-bit text, if any. */
        default Optional<String> eightBitName(String localPart, String domain) {
            return Optional.empty();
        }
    }

    /** {@code response} with its envelopes' names unquoted; itself if it has no envelope. */
    static FetchResponse unquoted(FetchResponse r) {
        return unquoted(r, CommentNames.NONE);
    }

    /**
     * {@code response} with its envelopes' names unquoted, and the ENVELOPE's addresses that have
     * no phrase named by {@code comments}; itself if it has no envelope.
     */
    static FetchResponse unquoted(FetchResponse r, CommentNames comments) {
        if (r.getEnvelope() == null && r.getBodyStructure() == null && r.getBody() == null) {
            return r;
        }
        Envelope envelope = r.getEnvelope() == null ? null : new Unquoted(r.getEnvelope(), comments);
        return new FetchResponse(r.getMessageNumber(), r.getFlags(), r.getUid(), r.getSaveDate(), r.getModSeq(),
                r.getInternalDate(), r.getSize(), envelope, wrap(r.getBody()),
                wrap(r.getBodyStructure()), r.getElements(), r.getEmailId(), r.getThreadId());
    }

    /**
     * A comment name as James would have written a phrase: RFC 2047 encoded words if not ASCII,
     * without header quoting.
     */
    private static String commentName(String decoded) {
        return name(EncoderUtil.encodeAddressDisplayName(decoded));
    }

    /** The text inside James's header quoting of a name; other names unchanged. */
    static String name(String name) {
        if (name == null || name.length() < 2 || name.charAt(0) != '"' || name.charAt(name.length() - 1) != '"') {
            return name;
        }
        StringBuilder plain = new StringBuilder(name.length());
        for (int i = 1; i < name.length() - 1; i++) {
            char c = name.charAt(i);
            if (c == '\\' && i + 1 < name.length() - 1) {
                c = name.charAt(++i);
            }
            plain.append(c);
        }
        return plain.toString();
    }

    private static Envelope envelope(Envelope e) {
        return e == null ? null : new Unquoted(e, CommentNames.NONE);
    }

    private static Structure wrap(Structure s) {
        return s == null ? null : new UnquotedStructure(s);
    }

    private static Address[] addresses(Address[] list, CommentNames comments) {
        if (list == null) {
            return null;
        }
        Address[] fixed = new Address[list.length];
        for (int i = 0; i < list.length; i++) {
            fixed[i] = new Named(list[i], comments);
        }
        return fixed;
    }

    private record Named(Address address, CommentNames comments) implements Address {
        @Override
        public String getPersonalName() {
            if (address.getHostName() != null) { // group markers have no host
                Optional<String> eightBit = comments.eightBitName(address.getMailboxName(), address.getHostName());
                if (eightBit.isPresent()) {
                    return EightBitStrings.octets(eightBit.get());
                }
            }
            String phrase = address.getPersonalName();
            if (phrase == null && address.getHostName() != null) {
                return comments.name(address.getMailboxName(), address.getHostName())
                        .map(EnvelopeNames::commentName).orElse(null);
            }
            return name(phrase);
        }

        @Override
        public String getAtDomainList() {
            return address.getAtDomainList();
        }

        @Override
        public String getMailboxName() {
            return address.getMailboxName();
        }

        @Override
        public String getHostName() {
            return address.getHostName();
        }
    }

    private record Unquoted(Envelope envelope, CommentNames comments) implements Envelope {
        @Override
        public String getDate() {
            return envelope.getDate();
        }

        @Override
        public String getSubject() {
            return envelope.getSubject();
        }

        @Override
        public Address[] getFrom() {
            return addresses(envelope.getFrom(), comments);
        }

        @Override
        public Address[] getSender() {
            return addresses(envelope.getSender(), comments);
        }

        @Override
        public Address[] getReplyTo() {
            return addresses(envelope.getReplyTo(), comments);
        }

        @Override
        public Address[] getTo() {
            return addresses(envelope.getTo(), comments);
        }

        @Override
        public Address[] getCc() {
            return addresses(envelope.getCc(), comments);
        }

        @Override
        public Address[] getBcc() {
            return addresses(envelope.getBcc(), comments);
        }

        @Override
        public String getInReplyTo() {
            return envelope.getInReplyTo();
        }

        @Override
        public String getMessageId() {
            return envelope.getMessageId();
        }
    }

    private record UnquotedStructure(Structure structure) implements Structure {
        @Override
        public String getMediaType() {
            return structure.getMediaType();
        }

        @Override
        public String getSubType() {
            return structure.getSubType();
        }

        @Override
        public List<String> getParameters() {
            return structure.getParameters();
        }

        @Override
        public String getId() {
            return structure.getId();
        }

        @Override
        public String getDescription() {
            return structure.getDescription();
        }

        @Override
        public String getEncoding() {
            return structure.getEncoding();
        }

        @Override
        public long getOctets() {
            return structure.getOctets();
        }

        @Override
        public long getLines() {
            return structure.getLines();
        }

        @Override
        public String getMD5() {
            return structure.getMD5();
        }

        @Override
        public Map<String, String> getDispositionParams() {
            return structure.getDispositionParams();
        }

        @Override
        public String getDisposition() {
            return structure.getDisposition();
        }

        @Override
        public List<String> getLanguages() {
            return structure.getLanguages();
        }

        @Override
        public String getLocation() {
            return structure.getLocation();
        }

        @Override
        public Iterator<Structure> parts() {
            Iterator<Structure> parts = structure.parts();
            if (parts == null) {
                return null;
            }
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return parts.hasNext();
                }

                @Override
                public Structure next() {
                    return wrap(parts.next());
                }
            };
        }

        @Override
        public Envelope getEnvelope() {
            return envelope(structure.getEnvelope());
        }

        @Override
        public Structure getBody() {
            return wrap(structure.getBody());
        }
    }
}
