package dev.liaison.imap.server;

import org.apache.james.imap.api.message.BodyFetchElement;
import org.apache.james.imap.api.message.FetchData;
import org.apache.james.imap.api.message.SectionType;
import org.apache.james.imap.message.request.FetchRequest;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * HEADER.FIELDS and HEADER.FIELDS.NOT names as the astrings they are (RFC 3501 §9, RFC 9051 §9:
 * header-fld-name = astring). James splits the list at spaces and keeps each word as written, so
 * {@code ("Subject")} asked for a field named {@code "Subject"} with its quotes (none, so an empty
 * section) and {@code .NOT ("Subject")} left Subject in; its response named the section with the
 * request's text, a literal's {@code {7+}} and line break included, which no client can parse. Here
 * a quoted name loses its quotes and escapes, a literal name ({@code {n+}} or {@code {n}} and the
 * octets after its line break) is those octets, and the response names the fields as atoms (quoted
 * strings if a name is none). A name whose quoted string held a space is still split by James.
 * James's FETCH parser reads a literal name as plain text and never asks for it; the continuation
 * a synchronizing one needs comes from {@link LiteralContinuations}.
 */
final class HeaderFieldNames {

    private static final Pattern LITERAL = Pattern.compile("\\{(\\d+)\\+?}\\r?\\n(.*)", Pattern.DOTALL);

    private HeaderFieldNames() {
    }

    /** {@code request} with its header field names decoded; itself when all were atoms. */
    static FetchRequest decoded(FetchRequest request) {
        FetchData fetch = request.getFetch();
        if (fetch.getBodyElements().stream().noneMatch(HeaderFieldNames::written)) {
            return request;
        }
        FetchData.Builder decoded = FetchData.builder()
                .fetch(Arrays.stream(FetchData.Item.values()).filter(fetch::contains).toList())
                .vanished(fetch.getVanished());
        if (fetch.getChangedSince() != -1) {
            decoded.changedSince(fetch.getChangedSince());
        }
        for (BodyFetchElement e : fetch.getBodyElements()) {
            decoded.add(written(e) ? decoded(e) : e, !fetch.isSetSeen());
        }
        return new FetchRequest(request.isUseUids(), request.getIdSet(), decoded.build(), request.getTag());
    }

    /** Whether {@code e} names a header field with a quoted string or a literal. */
    private static boolean written(BodyFetchElement e) {
        return (e.getSectionType() == SectionType.HEADER_FIELDS || e.getSectionType() == SectionType.HEADER_NOT_FIELDS)
                && e.getFieldNames().stream().anyMatch(n -> n.startsWith("\"") || n.startsWith("{"));
    }

    private static BodyFetchElement decoded(BodyFetchElement e) {
        List<String> names = e.getFieldNames().stream().map(HeaderFieldNames::name).toList();
        String section = e.getResponseName();
        String response = section.substring(0, section.indexOf('(') + 1)
                + names.stream().map(HeaderFieldNames::astring).collect(Collectors.joining(" ")) + ")]";
        return new BodyFetchElement(response, e.getSectionType(), e.getPath(), names, e.getFirstOctet(),
                e.getNumberOfOctets());
    }

    private static String name(String written) {
        Matcher literal = LITERAL.matcher(written);
        if (literal.matches()) {
            return literal.group(2);
        }
        if (written.length() >= 2 && written.startsWith("\"") && written.endsWith("\"")) {
            return written.substring(1, written.length() - 1).replaceAll("\\\\(.)", "$1");
        }
        return written;
    }

    /** An atom if {@code name} is one (RFC 3501 §9 ATOM-CHAR), else a quoted string. */
    private static String astring(String name) {
        boolean atom = !name.isEmpty() && name.chars().allMatch(c -> c > 0x20 && c < 0x7f && "(){%*\"\\]".indexOf(c) < 0);
        return atom ? name : "\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
