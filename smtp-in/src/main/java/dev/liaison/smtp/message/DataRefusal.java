package dev.liaison.smtp.message;

/**
 * Why a message was refused while it streamed in; the reply is sent after the client's final
 * {@code .} so the client is never interrupted mid-DATA (RFC 5321 §4.2.5).
 *
 * @param code     the three-digit reply code
 * @param text     enhanced status code and explanation
 */
public record DataRefusal(String code, String text) {

    /** Whether the same message may pass later (4xx: no room now, or it came too slowly). */
    boolean temporary() {
        return code.startsWith("4");
    }

    /** {@code code/enhanced}, e.g. {@code 552/5.3.4}, for log lines (never the explanation). */
    String status() {
        int space = text.indexOf(' ');
        return code + "/" + (space < 0 ? text : text.substring(0, space));
    }

    static DataRefusal tooBig(long limit) {
        return new DataRefusal("552", "5.3.4 Message too big: the limit is " + limit
                + " octets; send a smaller message");
    }

    /** The server holds as many message octets as it may (RFC 5321 §4.2.2 452, RFC 3463 4.3.1); a retry can pass. */
    static DataRefusal tooManyAtOnce() {
        return new DataRefusal("452", "4.3.1 Too many messages are being received at once; try again later");
    }

    /** The message arrived slower than the server's {@link ArrivalPace} (RFC 3463 4.4.2: the connection is too poor). */
    static DataRefusal tooSlow(ArrivalPace pace) {
        return new DataRefusal("451", "4.4.2 Message arrived slower than " + pace.octetsPerSecond()
                + " octets per second; try again later");
    }

    static DataRefusal lineTooLong(int limit) {
        return new DataRefusal("552", "5.3.4 Message has a line longer than " + limit
                + " octets including CRLF (RFC 5321 section 4.5.3.1.6); wrap or encode it");
    }

    static DataRefusal tooManyHeaderFields(int limit) {
        return new DataRefusal("552", "5.3.4 Message has more than " + limit + " header fields");
    }

    static DataRefusal headerTooBig(int limit) {
        return new DataRefusal("552", "5.3.4 Message header section exceeds " + limit + " octets");
    }

    /**
     * 8-bit header text that is not UTF-8 (RFC 6532 §3.1 allows only UTF-8); 554 because no retry
     * of the same octets can succeed.
     */
    static DataRefusal eightBitHeader() {
        return new DataRefusal("554", "5.6.0 Message header contains 8-bit octets that are not UTF-8 (RFC 6532);"
                + " write header text in UTF-8 or as RFC 2047 encoded-words");
    }

    /**
     * A header-section line that is neither a field nor a continuation, where the rules refuse one
     * ({@link HeaderRules#strayLinesRefused}); 554 because no retry of the same octets can succeed.
     */
    static DataRefusal notAHeaderField(int line) {
        return new DataRefusal("554", "5.6.0 Message header line " + line + " is neither a field (name: value) nor"
                + " a continuation; end the header section with an empty line before the body");
    }

    /**
     * A field RFC 5322 §3.6 allows at most once, given twice ({@link HeaderRules#ONCE_ONLY}); 554
     * because no retry of the same octets can succeed.
     */
    static DataRefusal repeatedField(String name) {
        return new DataRefusal("554", "5.6.0 Message has more than one " + name + " field; RFC 5322 section 3.6"
                + " allows at most one; send it with one");
    }
}
