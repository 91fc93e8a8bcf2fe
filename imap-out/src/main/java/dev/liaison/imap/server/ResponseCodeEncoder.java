package dev.liaison.imap.server;

import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.encode.ImapEncoder;
import org.apache.james.imap.encode.ImapResponseComposer;
import org.apache.james.imap.encode.main.DefaultImapEncoderFactory;
import org.apache.james.imap.message.response.ImmutableStatusResponse;

import java.io.IOException;

/**
 * James's response encoder, except for four response codes. Two of RFC 5530 that James cannot make
 * (it makes only its own codes and extensions, which it names {@code X…}): processors pass
 * {@link #CANNOT} or {@link #UNAVAILABLE} and they are written {@code [CANNOT]}, {@code [UNAVAILABLE]}.
 * And two James writes against their grammar: the CONDSTORE {@code MODIFIED} code, which James
 * writes with a stray number ({@code [MODIFIED 0 2]}; RFC 7162 §3.1.3 wants {@code [MODIFIED 2]}),
 * and a {@code PERMANENTFLAGS} with no flags, which James writes without its parentheses
 * ({@code [PERMANENTFLAGS]}; RFC 9051 §7.1 wants {@code [PERMANENTFLAGS ()]}).
 */
final class ResponseCodeEncoder implements ImapEncoder {

    /** RFC 5530 §3: the operation violates a rule of the server (e.g. what a folder name may be). */
    static final StatusResponse.ResponseCode CANNOT = StatusResponse.ResponseCode.createExtension("CANNOT");

    private static final String MODIFIED = "MODIFIED";
    private static final String PERMANENT_FLAGS = "PERMANENTFLAGS";
    /** RFC 5530 §3: a subsystem the server needs is down; the client should try again later. */
    static final StatusResponse.ResponseCode UNAVAILABLE = StatusResponse.ResponseCode.createExtension("UNAVAILABLE");
    private final ImapEncoder encoder = new DefaultImapEncoderFactory().buildImapEncoder();

    @Override
    public void encode(ImapMessage message, ImapResponseComposer composer) throws IOException {
        if (message instanceof ImmutableStatusResponse status
                && (status.getResponseCode() == CANNOT || status.getResponseCode() == UNAVAILABLE)) {
            writeWithoutX(status, composer);
        } else if (message instanceof ImmutableStatusResponse status && status.getResponseCode() != null
                && MODIFIED.equals(status.getResponseCode().getCode()) && status.getTag() != null) {
            writeModified(status, composer);
        } else if (message instanceof ImmutableStatusResponse status && status.getResponseCode() != null
                && PERMANENT_FLAGS.equals(status.getResponseCode().getCode()) && status.getTag() == null
                && status.getResponseCode().getParameters().isEmpty()) {
            writeNoPermanentFlags(status, composer);
        } else {
            encoder.encode(message, composer);
        }
    }

    private static void writeModified(ImmutableStatusResponse status, ImapResponseComposer composer) throws IOException {
        composer.tag(status.getTag());
        composer.message(status.getServerResponseType() == StatusResponse.Type.OK ? "OK" : "NO");
        composer.openSquareBracket();
        composer.message(MODIFIED);
        for (String set : status.getResponseCode().getParameters()) {
            composer.message(set);
        }
        composer.closeSquareBracket();
        if (status.getCommand() != null) {
            composer.commandName(status.getCommand());
        }
        composer.message("completed, except for messages modified since the given MODSEQ");
        composer.end();
    }

    /** An RFC 5530 code made as James's extension {@code X<code>}, written as the RFC names it. */
    private static void writeWithoutX(ImmutableStatusResponse status, ImapResponseComposer composer) throws IOException {
        if (status.getTag() == null) {
            composer.untagged();
        } else {
            composer.tag(status.getTag());
        }
        composer.message(status.getServerResponseType().getCode());
        composer.openSquareBracket();
        composer.message(status.getResponseCode().getCode().substring(1));
        composer.closeSquareBracket();
        if (status.getCommand() != null) {
            composer.commandName(status.getCommand());
        }
        composer.message(status.getTextKey().getDefaultValue());
        composer.end();
    }

    private static void writeNoPermanentFlags(ImmutableStatusResponse status, ImapResponseComposer composer)
            throws IOException {
        composer.untagged();
        composer.message("OK");
        composer.openSquareBracket();
        composer.message(PERMANENT_FLAGS);
        composer.openParen();
        composer.closeParen();
        composer.closeSquareBracket();
        composer.message(status.getTextKey().getDefaultValue());
        composer.end();
    }
}
