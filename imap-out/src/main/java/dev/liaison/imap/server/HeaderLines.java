package dev.liaison.imap.server;

import org.apache.james.imap.api.message.BodyFetchElement;
import org.apache.james.imap.api.message.FetchData;
import org.apache.james.imap.api.message.SectionType;
import org.apache.james.imap.message.response.FetchResponse;
import org.apache.james.imap.message.response.FetchResponse.BodyElement;
import org.apache.james.imap.processor.fetch.MessageResultUtils;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.Header;
import org.apache.james.mailbox.model.MessageResult;
import org.apache.james.mailbox.model.MimePath;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * FETCH sections made of header lines ({@code HEADER.FIELDS}, {@code HEADER.FIELDS.NOT},
 * {@code n.MIME}, {@code n.HEADER}) with the octets the message holds. James selects the right
 * lines but writes them through US-ASCII, so every 8-bit octet (RFC 6532 UTF-8 header text) came
 * out as {@code ?}; RFC 9051 §6.4.5 makes HEADER.FIELDS a subset of the header, octet for octet.
 * James's header values hold one char per octet, so written as ISO-8859-1 they are the octets.
 * Whole-header and whole-message sections ({@code HEADER}, {@code []}) were right and stay James's.
 */
final class HeaderLines {

    private static final byte[] CRLF = {'\r', '\n'};

    private HeaderLines() {
    }

    /** Whether {@code fetch} asks for a section this class writes. */
    static boolean asked(FetchData fetch) {
        return fetch.getBodyElements().stream().anyMatch(HeaderLines::isHeaderLines);
    }

    private static boolean isHeaderLines(BodyFetchElement e) {
        SectionType type = e.getSectionType();
        return type == SectionType.HEADER_FIELDS || type == SectionType.HEADER_NOT_FIELDS || type == SectionType.MIME
                || (type == SectionType.HEADER && hasPath(e));
    }

    private static boolean hasPath(BodyFetchElement e) {
        return e.getPath() != null && e.getPath().length > 0;
    }

    /**
     * {@code response} with its header-line sections rewritten from {@code message}; James builds
     * one section per requested element, in the request's order.
     */
    static FetchResponse rewritten(FetchResponse r, Collection<BodyFetchElement> requested, MessageResult message)
            throws MailboxException, IOException {
        List<BodyElement> elements = r.getElements();
        if (elements == null || elements.size() != requested.size()) {
            return r;
        }
        List<BodyElement> written = new ArrayList<>(elements.size());
        Iterator<BodyElement> james = elements.iterator();
        for (BodyFetchElement wanted : requested) {
            BodyElement element = james.next();
            written.add(isHeaderLines(wanted) ? section(element, wanted, message) : element);
        }
        return new FetchResponse(r.getMessageNumber(), r.getFlags(), r.getUid(), r.getSaveDate(), r.getModSeq(),
                r.getInternalDate(), r.getSize(), r.getEnvelope(), r.getBody(), r.getBodyStructure(), written,
                r.getEmailId(), r.getThreadId());
    }

    private static BodyElement section(BodyElement james, BodyFetchElement wanted, MessageResult message)
            throws MailboxException, IOException {
        List<Header> lines = lines(wanted, message);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Header h : lines) {
            out.writeBytes((h.getName() + ": " + h.getValue()).getBytes(StandardCharsets.ISO_8859_1));
            out.writeBytes(CRLF);
        }
        if (endsWithBlankLine(james, wanted, lines, out.size())) {
            out.writeBytes(CRLF);
        }
        return new Octets(james.getName(), partial(out.toByteArray(), wanted));
    }

    /**
     * Whether James ended the section with the empty line. A whole section says so by its size (James
     * counts one char per octet, as written here); a partial one cannot, so James's rule applies: after
     * any line, and for no MIME header when there is none.
     */
    private static boolean endsWithBlankLine(BodyElement james, BodyFetchElement wanted, List<Header> lines,
                                             int written) throws IOException {
        if (wanted.getFirstOctet() == null) {
            return james.size() > written;
        }
        return !lines.isEmpty() || wanted.getSectionType() != SectionType.MIME;
    }

    private static List<Header> lines(BodyFetchElement wanted, MessageResult message) throws MailboxException {
        Optional<MimePath> path = hasPath(wanted) ? Optional.of(new MimePath(wanted.getPath())) : Optional.empty();
        return switch (wanted.getSectionType()) {
            case HEADER_FIELDS -> MessageResultUtils.getMatching(wanted.getFieldNames(), headers(message, path));
            case HEADER_NOT_FIELDS -> MessageResultUtils.getNotMatching(wanted.getFieldNames(), headers(message, path));
            case MIME -> MessageResultUtils.getAll(message.iterateMimeHeaders(path.orElseThrow()));
            default -> MessageResultUtils.getAll(headers(message, path));
        };
    }

    private static Iterator<Header> headers(MessageResult message, Optional<MimePath> path) throws MailboxException {
        return path.isPresent() ? message.iterateHeaders(path.get()) : message.getHeaders().headers();
    }

    /** The octets {@code <first.count>} selects (RFC 9051 §6.4.5: none when first is past the end). */
    private static byte[] partial(byte[] whole, BodyFetchElement wanted) {
        if (wanted.getFirstOctet() == null) {
            return whole;
        }
        int first = (int) Math.min(wanted.getFirstOctet(), whole.length);
        long count = wanted.getNumberOfOctets() == null ? whole.length : wanted.getNumberOfOctets();
        return Arrays.copyOfRange(whole, first, (int) Math.min(whole.length, first + count));
    }
}
