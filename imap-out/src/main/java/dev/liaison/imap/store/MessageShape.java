package dev.liaison.imap.store;

import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.field.LenientFieldParser;
import org.apache.james.mime4j.message.DefaultBodyDescriptorBuilder;
import org.apache.james.mime4j.message.MaximalBodyDescriptor;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.apache.james.mime4j.stream.RecursionMode;
import org.apache.james.mailbox.store.mail.model.impl.PropertyBuilder;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * What the IMAP layer needs to know about a delivered message's top-level MIME entity without
 * parsing it again on every FETCH: where the body starts and the entity's MIME properties, in
 * the same form James's own APPEND stores them, so BODYSTRUCTURE is the same either way. The
 * stored parameters and description are mime4j's (disposition parameters decoded); BODYSTRUCTURE
 * does not send those but the header's own ({@link MimeParameters}), so rows of any age answer alike.
 */
record MessageShape(int bodyStart, PropertyBuilder properties) {

    static MessageShape of(byte[] message) {
        PropertyBuilder properties = new PropertyBuilder();
        String mediaType = "text";
        int bodyStart = bodyStart(message);
        // mime4j's shared, read-only field parser: building one registers ~30 parsers in a map
        MimeTokenStream parser = new MimeTokenStream(MimeConfig.PERMISSIVE,
                new DefaultBodyDescriptorBuilder(null, LenientFieldParser.getParser(), DecodeMonitor.SILENT));
        parser.setRecursionMode(RecursionMode.M_NO_RECURSE);
        parser.parse(new ByteArrayInputStream(message));
        try {
            EntityState state = parser.next();
            while (state != EntityState.T_BODY && state != EntityState.T_END_OF_STREAM
                    && state != EntityState.T_START_MULTIPART) {
                state = parser.next();
            }
            mediaType = describe((MaximalBodyDescriptor) parser.getBodyDescriptor(), properties);
        } catch (MimeException | IOException | RuntimeException e) {
            properties.setMediaType("text");
            properties.setSubType("plain");
        }
        if ("text".equalsIgnoreCase(mediaType)) {
            properties.setTextualLineCount(lines(message, bodyStart));
        }
        return new MessageShape(bodyStart, properties);
    }

    private static String describe(MaximalBodyDescriptor d, PropertyBuilder p) {
        boolean typed = d.getMediaType() != null;
        String mediaType = typed ? d.getMediaType() : "text";
        p.setMediaType(mediaType);
        p.setSubType(typed ? d.getSubType() : "plain");
        p.setContentID(d.getContentId());
        p.setContentDescription(d.getContentDescription());
        p.setContentLocation(d.getContentLocation());
        p.setContentMD5(d.getContentMD5Raw());
        p.setContentTransferEncoding(d.getTransferEncoding());
        p.setContentLanguage(d.getContentLanguage());
        p.setContentDispositionType(d.getContentDispositionType());
        p.setContentDispositionParameters(d.getContentDispositionParameters());
        p.setContentTypeParameters(d.getContentTypeParameters());
        if (d.getCharset() != null) {
            p.setCharset(d.getCharset());
        } else if ("text".equalsIgnoreCase(mediaType)) {
            p.setCharset("us-ascii"); // RFC 2045 §5.2: the default charset of text/*
        }
        return mediaType;
    }

    /**
     * Offset after the empty line ending the header; the whole message if there is none (a header
     * without a body). Lines may end in CRLF or a bare LF, as Dovecot reads them. A message that
     * starts with an empty line has an empty header.
     */
    static int bodyStart(byte[] m) {
        if (m.length > 0 && m[0] == '\n') {
            return 1;
        }
        if (m.length > 1 && m[0] == '\r' && m[1] == '\n') {
            return 2;
        }
        for (int i = 0; i + 1 < m.length; i++) {
            if (m[i] == '\n' && m[i + 1] == '\n') {
                return i + 2;
            }
            if (m[i] == '\n' && m[i + 1] == '\r' && i + 2 < m.length && m[i + 2] == '\n') {
                return i + 3;
            }
        }
        return m.length;
    }

    /**
     * The body's line count, one {@code indexOf} per line. A loop over every byte of our own ran
     * interpreted for whole submission benchmarks (a quarter of JFR's samples of the gateway): the
     * JIT, its queue long with the gateway's code on two cores, never compiled it (docs/benchmarks.md).
     * {@code String.indexOf} is compiled (an intrinsic) early because the whole JVM uses it.
     */
    static long lines(byte[] m, int from) {
        String body = new String(m, from, m.length - from, StandardCharsets.ISO_8859_1);
        long lines = 0;
        for (int i = body.indexOf('\n'); i >= 0; i = body.indexOf('\n', i + 1)) {
            lines++;
        }
        return from < m.length && m[m.length - 1] != '\n' ? lines + 1 : lines;
    }
}
