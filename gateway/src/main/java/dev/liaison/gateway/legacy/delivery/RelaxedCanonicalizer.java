package dev.liaison.gateway.legacy.delivery;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * DKIM's "relaxed" canonicalization (RFC 6376 §3.4.2 and §3.4.4) on raw octets. It never turns
 * octets into characters: a header with raw UTF-8 (RFC 6532) is canonicalized exactly as a
 * verifier sees it on the wire, whatever the platform's default charset.
 */
final class RelaxedCanonicalizer {

    private static final byte[] CRLF = {'\r', '\n'};

    private RelaxedCanonicalizer() {
    }

    /**
     * §3.4.2: the name lower-cased, the value unfolded, every run of WSP turned into one SP, WSP
     * removed at both ends of the value and around the colon; then CRLF if {@code withCrlf}
     * (every signed field but the {@code DKIM-Signature} field itself, §3.7).
     */
    static void header(byte[] field, int start, int end, boolean withCrlf, ByteArrayOutputStream out) {
        int colon = start;
        while (field[colon] != ':') {
            colon++;
        }
        byte[] name = new String(field, start, colon - start, StandardCharsets.US_ASCII).strip()
                .toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(name);
        out.write(':');
        boolean pendingSpace = false;
        boolean started = false;
        for (int i = colon + 1; i < end; i++) {
            byte b = field[i];
            if (b == '\r' || b == '\n') {
                continue; // unfolding: the WSP after the CRLF stays and is compressed below
            }
            if (b == ' ' || b == '\t') {
                pendingSpace = started;
                continue;
            }
            if (pendingSpace) {
                out.write(' ');
                pendingSpace = false;
            }
            out.write(b);
            started = true;
        }
        if (withCrlf) {
            out.writeBytes(CRLF);
        }
    }

    /**
     * §3.4.4: trailing WSP of every line removed, inner runs of WSP made one SP, empty lines at
     * the end dropped, and a final CRLF added to a non-empty body that lacks one; the result is
     * fed to {@code digest} line by line, so the body is never copied whole.
     */
    static void body(byte[] message, int bodyStart, MessageDigest digest) throws MalformedMessageException {
        int emptyLines = 0;
        byte[] line = new byte[Limits.MAX_LINE_OCTETS + 2];
        int at = bodyStart;
        while (at < message.length) {
            int eol = HeaderFields.lineEnd(message, at, false);
            int length = compress(message, at, eol, line);
            if (length == 0) {
                emptyLines++;
            } else {
                for (; emptyLines > 0; emptyLines--) {
                    digest.update(CRLF);
                }
                line[length] = '\r';
                line[length + 1] = '\n';
                digest.update(line, 0, length + 2);
            }
            at = eol == message.length ? eol : eol + 2;
        }
    }

    /** Copies one line into {@code into} with WSP runs made one SP and trailing WSP removed; returns its length. */
    private static int compress(byte[] m, int from, int to, byte[] into) {
        int length = 0;
        boolean pendingSpace = false;
        for (int i = from; i < to; i++) {
            byte b = m[i];
            if (b == ' ' || b == '\t') {
                pendingSpace = true;
                continue;
            }
            if (pendingSpace) {
                into[length++] = ' ';
                pendingSpace = false;
            }
            into[length++] = b;
        }
        return length;
    }
}
