package dev.liaison.smtp.framing;

import dev.liaison.smtp.framing.FramingEvent.Kind;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ByteProcessor;
import java.util.List;
import java.util.function.Predicate;

/**
 * Splits the inbound stream into SMTP lines ending in CRLF, and nothing else.
 *
 * <p>Netty's {@code LineBasedFrameDecoder}, which James installs by default, also ends a line at a
 * lone LF. Two parsers that disagree on where a line (and so where DATA) ends is exactly what the
 * 2023 SMTP smuggling attacks exploit ({@code \n.\n}, {@code \r.\r}, {@code \n.\r\n} …): so a
 * bare LF or bare CR is never interpreted here, it is reported as a {@link FramingEvent.Violation}
 * and every later byte is dropped. This mirrors Postfix's {@code smtpd_forbid_bare_newline}.
 *
 * <p>Lines longer than the limit are skipped up to their CRLF and reported as
 * {@link FramingEvent.OverlongLine}, so memory per connection stays bounded and the session can
 * continue. Emitted lines keep their CRLF because James's DATA handling expects it. Inside DATA a
 * line's leading dot is the sender's transparency dot (RFC 5321 section 4.5.2), removed before the
 * line becomes part of the message; the limit is on the line as in the message (section
 * 4.5.3.1.6), so such a line may be one octet longer on the wire. A 998-octet text line that
 * starts with a dot arrives as 1001 octets, and refusing it would refuse legitimate mail.
 *
 * <p>Where message lines may be longer (the inbound MX, {@code longMessageLines}), a message line
 * that outgrows the limit before its CRLF arrives is passed on in {@link FramingEvent.LinePart}s
 * as its octets arrive, the last part ending with the CRLF, and a complete message line over the
 * limit is passed on whole: the framer then holds at most the limit plus one read of any line, and
 * the message's own bounds (its size, the server's octet budget) bound the line. Nothing is split
 * or changed: the parts together are the line as sent. Command lines keep the limit.
 *
 * <p>STARTTLS: James adds the {@link SslHandler} synchronously while this decoder is still inside
 * its decode loop (all handlers run on the channel's event loop). Bytes already buffered at that
 * moment arrived in plaintext; interpreting them after the upgrade would let an attacker inject
 * commands into the TLS session, so they are a violation.
 *
 * <p>Not sharable: one instance per channel.
 */
public final class StrictLineDecoder extends ByteToMessageDecoder {

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final ByteProcessor FIND_CR_OR_LF = b -> b != CR && b != LF;

    private final int maxLineOctets;
    private final Predicate<Channel> inMessage;
    private final boolean longMessageLines;
    private boolean skippingOverlongLine;
    /** A message line is being passed on in parts; the next octets continue it. */
    private boolean continuingLine;
    private boolean violated;
    private boolean tlsWhenBuffered;

    /**
     * @param maxLineOctets the longest line accepted, CRLF included, as in the message
     * @param inMessage whether the channel's next line is message content (DATA), where a leading
     *        dot is not counted; asked only for lines that start with one
     */
    public StrictLineDecoder(int maxLineOctets, Predicate<Channel> inMessage) {
        this(maxLineOctets, inMessage, false);
    }

    /**
     * @param maxLineOctets the longest command line accepted, CRLF included; with
     *        {@code longMessageLines} false, also the longest message line
     * @param inMessage whether the channel's next line is message content (DATA)
     * @param longMessageLines whether message lines over {@code maxLineOctets} are passed on (whole,
     *        or as {@link FramingEvent.LinePart}s) instead of dropped as {@link FramingEvent.OverlongLine}s
     */
    public StrictLineDecoder(int maxLineOctets, Predicate<Channel> inMessage, boolean longMessageLines) {
        if (maxLineOctets < 3) {
            throw new IllegalArgumentException("maxLineOctets " + maxLineOctets + " cannot hold a line");
        }
        this.maxLineOctets = maxLineOctets;
        this.inMessage = inMessage;
        this.longMessageLines = longMessageLines;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (!internalBuffer().isReadable()) {
            // Nothing left over: whatever arrives now is in the channel's current (TLS or not) state.
            tlsWhenBuffered = tlsActive(ctx);
        }
        super.channelRead(ctx, msg);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (violated) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (tlsActive(ctx) != tlsWhenBuffered) {
            out.add(violate(ctx, in));
            return;
        }
        int eol = in.forEachByte(FIND_CR_OR_LF);
        if (eol < 0) {
            awaitLineEnd(ctx, in, out);
            return;
        }
        if (in.getByte(eol) == LF) {
            out.add(violation(ctx, in, Kind.BARE_LF, "bare LF received; SMTP lines end with CRLF (RFC 5321 section 2.3.8)"));
            return;
        }
        if (eol + 1 >= in.writerIndex()) {
            if (continuingLine && eol > in.readerIndex()) {
                out.add(part(in, eol - in.readerIndex())); // the CR waits for its LF
            }
            return;
        }
        if (in.getByte(eol + 1) != LF) {
            out.add(violation(ctx, in, Kind.BARE_CR, "bare CR received; SMTP lines end with CRLF (RFC 5321 section 2.3.8)"));
            return;
        }
        int length = eol + 2 - in.readerIndex();
        if (continuingLine) {
            continuingLine = false;
            out.add(part(in, length));
        } else {
            emitLine(ctx, in, length, out);
        }
    }

    private void emitLine(ChannelHandlerContext ctx, ByteBuf in, int length, List<Object> out) {
        boolean overlong = skippingOverlongLine || length > limit(ctx, in);
        if (overlong && !skippingOverlongLine && longMessageLines && inMessage.test(ctx.channel())) {
            out.add(in.readRetainedSlice(length)); // at most the limit plus one read: see awaitLineEnd
        } else if (overlong) {
            in.skipBytes(length);
            skippingOverlongLine = false;
            out.add(new FramingEvent.OverlongLine(maxLineOctets));
        } else {
            out.add(in.readRetainedSlice(length));
        }
    }

    /**
     * No line end buffered yet: once more than a line's worth is waiting, drop it and remember, or,
     * for a message line where long ones are taken, pass it on as the line's first part. A line of
     * the limit that starts with a transparency dot is never dropped here: without its LF it is at
     * most the limit long. A trailing CR stays buffered: it may start the CRLF.
     */
    private void awaitLineEnd(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int keep = in.readableBytes() > 0 && in.getByte(in.writerIndex() - 1) == CR ? 1 : 0;
        if (continuingLine) {
            if (in.readableBytes() > keep) {
                out.add(part(in, in.readableBytes() - keep));
            }
        } else if (!skippingOverlongLine && longMessageLines && in.readableBytes() > maxLineOctets
                && inMessage.test(ctx.channel())) {
            continuingLine = true;
            out.add(part(in, in.readableBytes() - keep));
        } else if (skippingOverlongLine || in.readableBytes() > maxLineOctets) {
            in.skipBytes(in.readableBytes() - keep);
            skippingOverlongLine = true;
        }
    }

    private static FramingEvent.LinePart part(ByteBuf in, int length) {
        byte[] octets = new byte[length];
        in.readBytes(octets);
        return new FramingEvent.LinePart(octets);
    }

    /**
     * The longest the line at the reader index may be on the wire: one octet more when it is
     * message content starting with the transparency dot, which is not part of the line.
     */
    private int limit(ChannelHandlerContext ctx, ByteBuf in) {
        boolean stuffed = in.isReadable() && in.getByte(in.readerIndex()) == '.' && inMessage.test(ctx.channel());
        return stuffed ? maxLineOctets + 1 : maxLineOctets;
    }

    private FramingEvent violate(ChannelHandlerContext ctx, ByteBuf in) {
        return violation(ctx, in, Kind.PLAINTEXT_AFTER_STARTTLS,
                "data sent after STARTTLS before the TLS handshake (RFC 3207 section 4.2)");
    }

    private FramingEvent violation(ChannelHandlerContext ctx, ByteBuf in, Kind kind, String description) {
        violated = true;
        in.skipBytes(in.readableBytes());
        ctx.channel().config().setAutoRead(false);
        return new FramingEvent.Violation(kind, description);
    }

    private static boolean tlsActive(ChannelHandlerContext ctx) {
        return ctx.pipeline().get(SslHandler.class) != null;
    }
}
