package dev.liaison.smtp.message;

import dev.liaison.smtp.submission.Limits;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The message of one DATA phase as it streams in: dot-unstuffed, checked against every
 * {@link Limits} bound line by line, its header section split into fields so the service's
 * {@link HeaderRules} can drop some ({@code Bcc:}, forged {@code Authentication-Results:}) and a
 * missing {@code Message-ID:} is noticed, a second {@code From:} (or other once-only field) refused. Once a limit is crossed the message is refused: what it
 * held is let go, and the rest of its DATA is read and thrown away, so a refused message costs no
 * more memory than the limit.
 *
 * <p>A header-section line that is neither a field nor a continuation refuses the message where the
 * rules say so (submission: {@link HeaderRules#strayLinesRefused}); otherwise it starts the body, as
 * in Postfix, and {@link #assemble} inserts the empty line RFC 5322 §2.1 requires, so the
 * header/body boundary is unambiguous to everything downstream. A field name may be followed by
 * white space before its colon (RFC 5322 §4.5.3, obs-optional): {@code BCC : x} is a {@code Bcc}
 * field, as the parsers downstream read it.
 *
 * <p>The octets it holds are taken from the server's {@link OctetBudget} in steps as the message
 * grows, and given back with {@link #release} when the transaction ends; a message that finds the
 * budget spent is refused like one over a limit ({@code 452 4.3.1}, try again later), and so is,
 * where the server sets an {@link ArrivalPace}, one arriving slower than it: a sender trickling its
 * DATA cannot hold octets for as long as it likes.
 */
final class MessageDraft {
    private static final byte[] CRLF = {'\r', '\n'};
    /** Octets taken from the budget at a time: one step per 64 KiB of message, not one per line. */
    private static final long RESERVE_STEP = 64 * 1024;

    private final Limits limits;
    private final HeaderRules rules;
    private final OctetBuffer header = new OctetBuffer(2048);
    private final OctetBuffer field = new OctetBuffer(256);
    private final OctetBuffer body = new OctetBuffer(8192);
    /** The dropped blind-copy fields, for the sender's own copy; empty (and unallocated) for most messages. */
    private final OctetBuffer blindCopies = new OctetBuffer(0);
    /** Where each kept field ends in {@link #header}; presized for a typical header section. */
    private final List<Integer> fieldEnds = new ArrayList<>(32);
    private String fieldName = "";
    private long octets;
    private int headerOctets;
    private int headerFields;
    private int headerLines;
    private boolean inHeader = true;
    /** The last octets taken did not end their line (a long line arriving in parts). */
    private boolean midLine;
    private boolean hasMessageId;
    private boolean hasDate;
    /** One bit per {@link HeaderRules#ONCE_ONLY} field seen so far. */
    private int onceOnlySeen;
    private DataRefusal refusal;
    private final OctetBudget budget;
    private final Object sender;
    private final ArrivalPace pace;
    /** Octets taken from {@link #budget} for this message. */
    private long reserved;
    /** When the first DATA line arrived ({@link System#nanoTime}); 0 before. */
    private long started;

    /** A draft whose octets are not counted against any budget. */
    MessageDraft(Limits limits, HeaderRules rules) {
        this(limits, rules, null, null, null);
    }

    /** @param sender whom the octets are counted against in {@code budget} ({@link OctetBudget#take}) */
    MessageDraft(Limits limits, HeaderRules rules, OctetBudget budget, Object sender, ArrivalPace pace) {
        this.limits = limits;
        this.rules = rules;
        this.budget = budget;
        this.sender = sender;
        this.pace = pace;
    }

    /** Octets of DATA taken so far (up to and including the line that was refused, if one was). */
    long octets() {
        return octets;
    }

    /**
     * Takes one DATA line (with its CRLF, not the terminating {@code .}), or a part of one: octets
     * that do not end with CRLF leave the line open, and the next octets continue it (the inbound
     * MX passes lines too long for its framer in parts). Only a line's first octets can be the
     * transparency dot.
     */
    void append(byte[] line) {
        boolean starts = !midLine;
        midLine = !endsLine(line);
        if (refusal != null) {
            return;
        }
        int offset = starts && line.length > 2 && line[0] == '.' ? 1 : 0;
        int length = line.length - offset;
        octets += length;
        if (started == 0) {
            started = System.nanoTime();
        }
        if (octets > limits.maxMessageOctets()) {
            refuse(DataRefusal.tooBig(limits.maxMessageOctets()));
        } else if (pace != null && pace.behind(octets, System.nanoTime() - started)) {
            refuse(DataRefusal.tooSlow(pace));
        } else if (!covered()) {
            refuse(DataRefusal.tooManyAtOnce());
        } else if (!starts) {
            continueLine(line, length);
        } else if (inHeader) {
            appendHeaderLine(line, offset, length);
        } else {
            body.append(line, offset, length);
        }
    }

    /** More octets of an open line: where its start went (a header field, or the body). */
    private void continueLine(byte[] part, int length) {
        if (!inHeader) {
            body.append(part, 0, length);
            return;
        }
        headerOctets += length;
        if (headerOctets > limits.maxHeaderOctets()) {
            refuse(DataRefusal.headerTooBig(limits.maxHeaderOctets()));
        } else {
            field.append(part, 0, length);
        }
    }

    private static boolean endsLine(byte[] octets) {
        return octets.length >= 2 && octets[octets.length - 2] == '\r' && octets[octets.length - 1] == '\n';
    }

    /** Whether the octets taken cover the message so far, taking another step if not. */
    private boolean covered() {
        if (budget == null || octets <= reserved) {
            return true;
        }
        long step = Math.min(Math.max(octets - reserved, RESERVE_STEP), limits.maxMessageOctets() - reserved);
        if (!budget.take(sender, step)) {
            return false;
        }
        reserved += step;
        return true;
    }

    /** Gives the octets taken back (the transaction is over: committed, refused or cut off). Idempotent. */
    void release() {
        if (budget != null && reserved > 0) {
            budget.give(sender, reserved);
        }
        reserved = 0;
    }

    /** Refuses the message (the first reason stands); what it held is let go now, not at the end of DATA. */
    void refuse(DataRefusal why) {
        if (refusal == null) {
            refusal = why;
            release();
            fieldEnds.clear();
            header.discard();
            field.discard();
            body.discard();
            blindCopies.discard();
        }
    }

    /**
     * At the end of data, why the message is refused, if it is. The header section is ended first:
     * a message without a body ends inside it, and its last field is checked only then (a Latin-1
     * last field was let through here, and refused later for the wrong reason).
     */
    Optional<DataRefusal> refusal() {
        endHeader();
        return Optional.ofNullable(refusal);
    }

    boolean hasMessageId() {
        return hasMessageId;
    }

    /** Whether the client wrote a {@code Date:} field (else submission adds one). */
    boolean hasDate() {
        return hasDate;
    }

    /**
     * The kept header fields in order, each as ISO-8859-1 text with its folds but without its final
     * CRLF (the form DKIM's header canonicalisation starts from, RFC 6376 §3.4).
     */
    List<String> headerFields() {
        endHeader();
        List<String> fields = new ArrayList<>(fieldEnds.size());
        int start = 0;
        for (int end : fieldEnds) {
            fields.add(header.text(start, end - CRLF.length));
            start = end;
        }
        return fields;
    }

    /** The body (everything after the empty line), without a copy; valid until the draft changes. */
    InputStream openBody() {
        endHeader();
        return body.openStream();
    }

    /**
     * The {@code Bcc:} and {@code Resent-Bcc:} fields the rules dropped, in order, each as sent with
     * its folds and CRLF; empty if there were none. They go into nothing that is delivered, only
     * into the sender's own copy (RFC 5322 §3.6.3).
     */
    byte[] blindCopyFields() {
        endHeader();
        byte[] fields = new byte[blindCopies.size()];
        blindCopies.copyTo(fields, 0);
        return fields;
    }

    /** The final message: {@code trace}, the kept header fields, an empty line, the body. */
    byte[] assemble(byte[] trace) {
        endHeader();
        byte[] message = new byte[trace.length + header.size() + CRLF.length + body.size()];
        System.arraycopy(trace, 0, message, 0, trace.length);
        int position = header.copyTo(message, trace.length);
        message[position++] = '\r';
        message[position++] = '\n';
        body.copyTo(message, position);
        return message;
    }

    /** A message that ended inside its header section: its last field is complete now. */
    private void endHeader() {
        if (inHeader) {
            finishField();
            inHeader = false;
        }
    }

    private void appendHeaderLine(byte[] line, int offset, int length) {
        headerOctets += length;
        headerLines++;
        if (headerOctets > limits.maxHeaderOctets()) {
            refuse(DataRefusal.headerTooBig(limits.maxHeaderOctets()));
            return;
        }
        if (length == 2) {
            finishField();
            inHeader = false;
        } else if ((line[offset] == ' ' || line[offset] == '\t') && field.size() > 0) {
            field.append(line, offset, length);
        } else if (fieldNameLength(line, offset, length) > 0) {
            startField(line, offset, length);
        } else if (rules.strayLinesRefused()) {
            refuse(DataRefusal.notAHeaderField(headerLines));
        } else {
            finishField();
            inHeader = false;
            if (refusal == null) {
                body.append(line, offset, length);
            }
        }
    }

    private void startField(byte[] line, int offset, int length) {
        finishField();
        if (refusal != null) {
            return;
        }
        if (++headerFields > limits.maxHeaderFields()) {
            refuse(DataRefusal.tooManyHeaderFields(limits.maxHeaderFields()));
            return;
        }
        fieldName = new String(line, offset, fieldNameLength(line, offset, length), StandardCharsets.US_ASCII);
        if (repeatsAOnceOnlyField()) {
            return;
        }
        hasMessageId |= fieldName.equalsIgnoreCase("Message-ID");
        hasDate |= fieldName.equalsIgnoreCase("Date");
        field.append(line, offset, length);
    }

    /** Refuses the message if the field just started is one RFC 5322 §3.6 allows once, seen before. */
    private boolean repeatsAOnceOnlyField() {
        int index = HeaderRules.onceOnlyIndex(fieldName);
        if (index < 0 || rules.blindCopy(fieldName)) { // dropped at submission, kept only for the sender's copy
            return false;
        }
        if ((onceOnlySeen & (1 << index)) != 0) {
            refuse(DataRefusal.repeatedField(HeaderRules.ONCE_ONLY.get(index)));
            return true;
        }
        onceOnlySeen |= 1 << index;
        return false;
    }

    private void finishField() {
        if (!rules.eightBitAllowed() && !field.isUtf8()) { // a whole field: a long line's parts may split a character
            refuse(DataRefusal.eightBitHeader());
            return;
        }
        if (field.size() > 0 && !rules.drops(fieldName, field)) {
            header.append(field);
            fieldEnds.add(header.size());
        } else if (field.size() > 0 && rules.blindCopy(fieldName)) {
            blindCopies.append(field);
        }
        field.clear();
        fieldName = "";
    }

    /**
     * RFC 5322 §2.2: a field name is printable ASCII except ':', then ':' — or, obsolete but to be
     * read (§4.5.3), white space before the ':'. Returns the name's length without that white space;
     * 0 if the line is not a field.
     */
    private static int fieldNameLength(byte[] line, int offset, int length) {
        int end = offset + length;
        int i = offset;
        while (i < end && line[i] > 32 && line[i] < 127 && line[i] != ':') {
            i++;
        }
        int name = i - offset;
        while (i < end && (line[i] == ' ' || line[i] == '\t')) {
            i++;
        }
        return name > 0 && i < end && line[i] == ':' ? name : 0;
    }
}
