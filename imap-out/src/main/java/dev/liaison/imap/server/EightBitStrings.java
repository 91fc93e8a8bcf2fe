package dev.liaison.imap.server;

import org.apache.james.imap.api.ImapCommand;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.Tag;
import org.apache.james.imap.api.message.IdRange;
import org.apache.james.imap.api.message.UidRange;
import org.apache.james.imap.encode.ImapEncoder;
import org.apache.james.imap.encode.ImapResponseComposer;
import org.apache.james.imap.message.Literal;
import org.apache.james.imap.message.response.FetchResponse;

import javax.mail.Flags;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * FETCH responses with 8-bit strings (ENVELOPE subjects and names written in raw UTF-8, RFC 6532)
 * sent as literals of their octets, as Dovecot sends them: an IMAP quoted string is 7-bit (RFC 3501
 * §9 QUOTED-CHAR), and James's composer wrote {@code ?} for every octet above 127. James's header
 * values hold one char per octet, so a string whose chars are all below 256 is written as those
 * octets; a string with other chars is text and is written as UTF-8 ({@link #octets} makes such
 * text into the first kind). Decoded text must therefore never reach here as it is: text below
 * 256 ({@code Präsentation.pdf} decoded from an encoded word) would go out as Latin-1. BODYSTRUCTURE's
 * parameters and descriptions are the header's octets for that reason
 * ({@code dev.liaison.imap.store.MimeParameters}). Every other response is James's.
 */
final class EightBitStrings implements ImapEncoder {

    private final ImapEncoder encoder;

    EightBitStrings(ImapEncoder encoder) {
        this.encoder = encoder;
    }

    /** {@code text} as its UTF-8 octets, one char per octet, to be written as they are. */
    static String octets(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    @Override
    public void encode(ImapMessage message, ImapResponseComposer composer) throws IOException {
        encoder.encode(message, message instanceof FetchResponse ? new LiteralQuoting(composer) : composer);
    }

    private static byte[] bytes(String s) {
        boolean octets = s.chars().allMatch(c -> c < 0x100);
        return s.getBytes(octets ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
    }

    /** James's composer, writing a string with an 8-bit char as a literal instead of a quoted string. */
    private record LiteralQuoting(ImapResponseComposer composer) implements ImapResponseComposer {

        @Override
        public ImapResponseComposer quote(String message) throws IOException {
            if (message.chars().allMatch(c -> c < 0x80)) {
                composer.quote(message);
            } else {
                composer.literal(new Octets("", bytes(message)));
            }
            return this;
        }

        @Override
        public void flush() throws IOException {
            composer.flush();
        }

        @Override
        public ImapResponseComposer untaggedNoResponse(String displayMessage, String responseCode) throws IOException {
            composer.untaggedNoResponse(displayMessage, responseCode);
            return this;
        }

        @Override
        public ImapResponseComposer flags(Flags flags) throws IOException {
            composer.flags(flags);
            return this;
        }

        @Override
        public ImapResponseComposer nil() throws IOException {
            composer.nil();
            return this;
        }

        @Override
        public ImapResponseComposer untaggedResponse(String message) throws IOException {
            composer.untaggedResponse(message);
            return this;
        }

        @Override
        public ImapResponseComposer untagged() throws IOException {
            composer.untagged();
            return this;
        }

        @Override
        public ImapResponseComposer commandName(ImapCommand command) throws IOException {
            composer.commandName(command);
            return this;
        }

        @Override
        public ImapResponseComposer message(String message) throws IOException {
            composer.message(message);
            return this;
        }

        @Override
        public ImapResponseComposer message(byte[] message) throws IOException {
            composer.message(message);
            return this;
        }

        @Override
        public ImapResponseComposer message(long number) throws IOException {
            composer.message(number);
            return this;
        }

        @Override
        public ImapResponseComposer mailbox(String mailboxName) throws IOException {
            composer.mailbox(mailboxName);
            return this;
        }

        @Override
        public ImapResponseComposer sequenceSet(UidRange[] ranges) throws IOException {
            composer.sequenceSet(ranges);
            return this;
        }

        @Override
        public ImapResponseComposer sequenceSet(IdRange[] ranges) throws IOException {
            composer.sequenceSet(ranges);
            return this;
        }

        @Override
        public ImapResponseComposer end() throws IOException {
            composer.end();
            return this;
        }

        @Override
        public ImapResponseComposer tag(Tag tag) throws IOException {
            composer.tag(tag);
            return this;
        }

        @Override
        public ImapResponseComposer quote(char message) throws IOException {
            composer.quote(message);
            return this;
        }

        @Override
        public ImapResponseComposer literal(Literal literal) throws IOException {
            composer.literal(literal);
            return this;
        }

        @Override
        public ImapResponseComposer openParen() throws IOException {
            composer.openParen();
            return this;
        }

        @Override
        public ImapResponseComposer closeParen() throws IOException {
            composer.closeParen();
            return this;
        }

        @Override
        public ImapResponseComposer quoteUpperCaseAscii(String message) throws IOException {
            composer.quoteUpperCaseAscii(message);
            return this;
        }

        @Override
        public ImapResponseComposer skipNextSpace() throws IOException {
            composer.skipNextSpace();
            return this;
        }

        @Override
        public ImapResponseComposer continuationResponse(String message) throws IOException {
            composer.continuationResponse(message);
            return this;
        }

        @Override
        public ImapResponseComposer continuationResponse() throws IOException {
            composer.continuationResponse();
            return this;
        }

        @Override
        public ImapResponseComposer closeSquareBracket() throws IOException {
            composer.closeSquareBracket();
            return this;
        }

        @Override
        public ImapResponseComposer openSquareBracket() throws IOException {
            composer.openSquareBracket();
            return this;
        }
    }
}
