package dev.liaison.imap.server;

import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.encode.ImapEncoder;
import org.apache.james.imap.encode.ImapResponseComposer;
import org.apache.james.imap.encode.main.DefaultImapEncoderFactory;
import org.apache.james.imap.message.response.ImmutableStatusResponse;

import java.io.IOException;
import java.util.Map;
import java.util.Set;

/**
 * James's response encoder, except for response codes it cannot make or writes wrong. The RFC 5530
 * codes James cannot make (it makes only its own codes and extensions, which it names {@code X…}):
 * processors pass {@link #CANNOT}, {@link #UNAVAILABLE}, {@link #AUTHENTICATIONFAILED},
 * {@link #NONEXISTENT}, {@link #ALREADYEXISTS}, {@link #TOOBIG} or {@link #LIMIT} and they are written as the RFC
 * names them ({@code [CANNOT]} …); mail clients act on them (a wrong password is not a server that
 * cannot check it, a folder that does not exist is not a failing server, a password refused before
 * STARTTLS is not a wrong one).
 * Where James writes the refusal itself, in its own words, the code comes from one table
 * ({@link #REFUSALS}: James's text to the code), applied here to every tagged NO that has no code
 * yet, whichever processor wrote it: a NO James gives a code of its own ({@code [TRYCREATE]}) keeps
 * that one alone.
 * And two codes James writes against their grammar: the CONDSTORE {@code MODIFIED} code, which James
 * writes with a stray number ({@code [MODIFIED 0 2]}; RFC 7162 §3.1.3 wants {@code [MODIFIED 2]}),
 * and a {@code PERMANENTFLAGS} with no flags, which James writes without its parentheses
 * ({@code [PERMANENTFLAGS]}; RFC 9051 §7.1 wants {@code [PERMANENTFLAGS ()]}).
 */
final class ResponseCodeEncoder implements ImapEncoder {

    /** RFC 5530 §3: the operation violates a rule of the server (e.g. what a folder name may be). */
    static final StatusResponse.ResponseCode CANNOT = StatusResponse.ResponseCode.createExtension("CANNOT");
    /** RFC 5530 §3: wrong login or password (not a server failure: the client may ask the user again). */
    static final StatusResponse.ResponseCode AUTHENTICATIONFAILED =
            StatusResponse.ResponseCode.createExtension("AUTHENTICATIONFAILED");
    /**
     * RFC 5530 §3: the password was right, but the authentication identity may not act as the
     * authorization identity it asked for (AUTHENTICATE PLAIN naming another user).
     */
    static final StatusResponse.ResponseCode AUTHORIZATIONFAILED =
            StatusResponse.ResponseCode.createExtension("AUTHORIZATIONFAILED");
    /** RFC 5530 §3: refused for lack of privacy (a password before STARTTLS); the client may try STARTTLS. */
    static final StatusResponse.ResponseCode PRIVACYREQUIRED = StatusResponse.ResponseCode.createExtension("PRIVACYREQUIRED");
    /** RFC 5530 §3: another session expunged a message the command named; the client may NOOP and ask again. */
    static final StatusResponse.ResponseCode EXPUNGEISSUED = StatusResponse.ResponseCode.createExtension("EXPUNGEISSUED");
    /** RFC 5530 §3: the folder the command names does not exist. */
    static final StatusResponse.ResponseCode NONEXISTENT = StatusResponse.ResponseCode.createExtension("NONEXISTENT");
    /** RFC 5530 §3: the folder the command would make exists already. */
    static final StatusResponse.ResponseCode ALREADYEXISTS = StatusResponse.ResponseCode.createExtension("ALREADYEXISTS");
    /** RFC 5530 §3 (RFC 7889 §4, RFC 7888 §4): the message or literal is over the server's limit. */
    static final StatusResponse.ResponseCode TOOBIG = StatusResponse.ResponseCode.createExtension("TOOBIG");

    /** RFC 5530 §3: the command is over one of the server's bounds ({@link Limits}); fewer would do. */
    static final StatusResponse.ResponseCode LIMIT = StatusResponse.ResponseCode.createExtension("LIMIT");

    private static final String MODIFIED = "MODIFIED";
    private static final String PERMANENT_FLAGS = "PERMANENTFLAGS";
    /** RFC 5530 §3: a subsystem the server needs is down; the client should try again later. */
    static final StatusResponse.ResponseCode UNAVAILABLE = StatusResponse.ResponseCode.createExtension("UNAVAILABLE");
    private static final Set<StatusResponse.ResponseCode> WITHOUT_X = Set.of(CANNOT, UNAVAILABLE, AUTHENTICATIONFAILED,
            NONEXISTENT, ALREADYEXISTS, TOOBIG, AUTHORIZATIONFAILED, PRIVACYREQUIRED, EXPUNGEISSUED, LIMIT);

    /**
     * James's refusals and the RFC 5530 code each means, as Dovecot sends it. Keyed by the whole
     * text (key and words), not the key alone: James gives one key to texts that mean different
     * things ({@code FAILURE_MAILBOX_EXISTS} has {@code FAILURE_NO_SUCH_MAILBOX}'s key). A NO
     * another user's folder name gets (ProcessorChain) is in other words on purpose, so it has none.
     */
    private static final Map<HumanReadableText, StatusResponse.ResponseCode> REFUSALS = Map.of(
            HumanReadableText.INVALID_LOGIN, AUTHENTICATIONFAILED,           // LOGIN
            HumanReadableText.AUTHENTICATION_FAILED, AUTHENTICATIONFAILED,   // AUTHENTICATE
            HumanReadableText.DELEGATION_FORBIDDEN, AUTHORIZATIONFAILED,     // AUTHENTICATE as another user
            HumanReadableText.DISABLED_LOGIN, PRIVACYREQUIRED,               // LOGIN, AUTHENTICATE before STARTTLS
            HumanReadableText.FAILURE_NO_SUCH_MAILBOX, NONEXISTENT,          // SELECT, EXAMINE, DELETE
            HumanReadableText.MAILBOX_NOT_FOUND, NONEXISTENT,                // RENAME's source
            HumanReadableText.MAILBOX_EXISTS, ALREADYEXISTS);                // CREATE, RENAME's target
    private final ImapEncoder encoder = new DefaultImapEncoderFactory().buildImapEncoder();

    @Override
    public void encode(ImapMessage message, ImapResponseComposer composer) throws IOException {
        if (message instanceof ImmutableStatusResponse status && status.getResponseCode() != null
                && WITHOUT_X.contains(status.getResponseCode())) {
            writeWithoutX(status, status.getResponseCode(), composer);
        } else if (message instanceof ImmutableStatusResponse status && status.getResponseCode() == null
                && status.getTag() != null && status.getServerResponseType() == StatusResponse.Type.NO
                && REFUSALS.containsKey(status.getTextKey())) {
            writeWithoutX(status, REFUSALS.get(status.getTextKey()), composer);
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
    private static void writeWithoutX(ImmutableStatusResponse status, StatusResponse.ResponseCode code,
                                      ImapResponseComposer composer) throws IOException {
        if (status.getTag() == null) {
            composer.untagged();
        } else {
            composer.tag(status.getTag());
        }
        composer.message(status.getServerResponseType().getCode());
        composer.openSquareBracket();
        composer.message(code.getCode().substring(1));
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
