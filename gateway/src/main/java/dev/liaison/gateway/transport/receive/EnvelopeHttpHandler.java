package dev.liaison.gateway.transport.receive;

import dev.liaison.smtp.message.ArrivalPace;
import dev.liaison.gateway.transport.EnvelopeBytes;
import dev.liaison.smtp.message.OctetBudget;
import dev.liaison.gateway.transport.EnvelopeId;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One connection's HTTP exchange with a peer: routes each request, streams an envelope body into
 * a buffer that can never grow past the limit, and answers only after {@link EnvelopeIntake}
 * committed (on a blocking thread; the event loop never waits for the database). Other paths are
 * served by the configured {@link HttpResources}, also on a blocking thread.
 *
 * <p>Envelope bytes held in memory, from a request's head until its envelope is stored, count
 * against the server's {@link OctetBudget}: a declared length is taken whole when the head arrives
 * (so the 503 comes before the body is sent, and the receive buffer made for it is covered), a
 * chunked body as its bytes arrive. An upload slower than the {@link ArrivalPace} is cut off.
 *
 * <p>Requests on a connection are served one at a time: reading pauses while an envelope is
 * being stored, so answers cannot overtake each other. Refusals that leave a request body
 * unread (413, 415, 429, a bad id) close the connection rather than read a body we refused.
 */
final class EnvelopeHttpHandler extends ChannelInboundHandlerAdapter {

    static final String WELL_KNOWN = "/.well-known/communicator.json";
    static final String ENVELOPES = "/communicator/v1/envelopes";
    private static final Logger LOG = LoggerFactory.getLogger(EnvelopeHttpHandler.class);
    /** Seconds a peer should wait after a 503 (our database is unavailable). */
    private static final String RETRY_AFTER_UNAVAILABLE = "30";
    /** Seconds a peer should wait after a 503 because too many envelopes were arriving at once. */
    private static final String RETRY_AFTER_BUSY = "5";

    /** SERVING: an {@link HttpResource} is answering on a blocking thread, like STORING for envelopes. */
    private enum Mode { IDLE, UPLOAD, DISCARD, STORING, SERVING, CLOSING }

    private final EnvelopeIntake intake;
    private final ServiceDescriptionSource description;
    private final Executor blocking;
    private final int maxEnvelopeBytes;
    private final HttpResources resources;
    private final OctetBudget budget;
    private final ArrivalPace pace;
    private final ReceivingEvents events;

    private Mode mode = Mode.IDLE;
    /** Bytes of {@link #budget} this connection's upload holds: its body so far, then the envelope being stored. */
    private int reserved;
    private boolean keepAlive;
    private EnvelopeId envelopeId;
    private ByteBuf body;
    /** When the upload's request arrived ({@link System#nanoTime}), and its pace check while it lasts. */
    private long uploadStarted;
    /** The peer {@link #reserved} is counted against. */
    private PeerAddress uploader;
    private ScheduledFuture<?> paceCheck;

    EnvelopeHttpHandler(EnvelopeIntake intake, ServiceDescriptionSource description, Executor blocking,
                        ReceiverSettings settings, OctetBudget budget) {
        this.budget = budget;
        this.intake = intake;
        this.description = description;
        this.blocking = blocking;
        this.maxEnvelopeBytes = settings.maxEnvelopeBytes();
        this.resources = settings.resources();
        this.pace = settings.uploadPace();
        this.events = settings.events();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest request) {
                onRequest(ctx, request);
            }
            if (msg instanceof HttpContent content) {
                onContent(ctx, content);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onRequest(ChannelHandlerContext ctx, HttpRequest request) {
        if (mode == Mode.CLOSING) {
            return;
        }
        if (mode != Mode.IDLE) { // pipelined behind an envelope being stored: not supported
            mode = Mode.CLOSING;
            return;
        }
        if (request.decoderResult().isFailure()) {
            respondAndClose(ctx, HttpResponseStatus.BAD_REQUEST, "malformed HTTP request");
            return;
        }
        if (request.protocolVersion().majorVersion() != 1) {
            respondAndClose(ctx, HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED, "only HTTP/1.1 is served here");
            return;
        }
        if (request.protocolVersion().minorVersion() >= 1 && request.headers().getAll(HttpHeaderNames.HOST).size() != 1) {
            respondAndClose(ctx, HttpResponseStatus.BAD_REQUEST, "an HTTP/1.1 request has exactly one Host field"); // RFC 9112 3.2
            return;
        }
        keepAlive = HttpUtil.isKeepAlive(request);
        String path = pathOf(request.uri());
        HttpMethod method = request.method();
        boolean read = method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD);
        if (path.equals(ENVELOPES) && method.equals(HttpMethod.POST)) {
            startUpload(ctx, request);
        } else if (path.equals(WELL_KNOWN) && read) {
            FullHttpResponse response = Responses.json(WellKnownDocument.render(description.current()),
                    method.equals(HttpMethod.HEAD));
            respondBeforeBody(ctx, request, response);
        } else if (path.equals(ENVELOPES) || path.equals(WELL_KNOWN)) {
            refuseMethod(ctx, request, path.equals(ENVELOPES) ? "POST" : "GET, HEAD");
        } else {
            Optional<HttpResource> resource = resources.at(path);
            if (resource.isPresent() && read) {
                serve(ctx, request, resource.get());
            } else if (resource.isPresent()) {
                refuseMethod(ctx, request, "GET, HEAD");
            } else {
                respondBeforeBody(ctx, request, Responses.text(HttpResponseStatus.NOT_FOUND, "not found"));
            }
        }
    }

    private void refuseMethod(ChannelHandlerContext ctx, HttpRequest request, String allowed) {
        FullHttpResponse response = Responses.text(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed");
        response.headers().set(HttpHeaderNames.ALLOW, allowed);
        respondBeforeBody(ctx, request, response);
    }

    /** Answers from an {@link HttpResource} on a blocking thread; reading pauses meanwhile. */
    private void serve(ChannelHandlerContext ctx, HttpRequest request, HttpResource resource) {
        ResourceRequest query;
        try {
            query = ResourceRequest.parse(request.uri(), ((java.net.InetSocketAddress) ctx.channel().remoteAddress()).getAddress());
        } catch (IllegalArgumentException e) {
            respondBeforeBody(ctx, request, Responses.text(HttpResponseStatus.BAD_REQUEST, "malformed query"));
            return;
        }
        keepAlive = keepAlive && !hasBody(request); // a body we do not read: close after answering
        boolean headOnly = request.method().equals(HttpMethod.HEAD);
        mode = Mode.SERVING;
        ctx.channel().config().setAutoRead(false);
        try {
            blocking.execute(() -> {
                FullHttpResponse response = null;
                try {
                    response = Responses.from(resource, query, headOnly);
                } finally { // even an Error gets an answer: reading stays paused until one is sent
                    FullHttpResponse answer = response != null ? response
                            : Responses.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error");
                    ctx.executor().execute(() -> answerStored(ctx, answer));
                }
            });
        } catch (RejectedExecutionException e) {
            answerStored(ctx, Responses.unavailable(RETRY_AFTER_UNAVAILABLE));
        }
    }

    private void startUpload(ChannelHandlerContext ctx, HttpRequest request) {
        String type = request.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
        if (!HttpHeaderValues.APPLICATION_OCTET_STREAM.contentEqualsIgnoreCase(HttpUtil.getMimeType(type))) {
            respondAndClose(ctx, HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "Content-Type must be application/octet-stream");
            return;
        }
        if (request.headers().getAll(Responses.ENVELOPE_ID).size() > 1) {
            // a singleton field (RFC 9110 section 5.3): which one the sender meant is not ours to guess
            respondAndClose(ctx, HttpResponseStatus.BAD_REQUEST, "more than one Envelope-Id header");
            return;
        }
        String id = request.headers().get(Responses.ENVELOPE_ID, "");
        try {
            envelopeId = new EnvelopeId(id);
        } catch (IllegalArgumentException e) {
            respondAndClose(ctx, HttpResponseStatus.BAD_REQUEST, "missing or invalid Envelope-Id header");
            return;
        }
        uploader = peer(ctx);
        if (intake.throttled(uploader)) {
            FullHttpResponse response = Responses.text(HttpResponseStatus.TOO_MANY_REQUESTS, "too many requests");
            response.headers().set(HttpHeaderNames.RETRY_AFTER, Long.toString(intake.throttleRetryAfterSeconds()));
            respondAndClose(ctx, response);
            return;
        }
        long length = HttpUtil.getContentLength(request, -1L);
        if (length > maxEnvelopeBytes) {
            respondAndClose(ctx, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    "envelope of " + length + " bytes exceeds the limit of " + maxEnvelopeBytes + " bytes");
            return;
        }
        if (length > 0 && !budget.take(uploader.address(), (int) length)) { // before any byte is sent: nothing wasted, the 503 is read
            refuseBusy(ctx);
            return;
        }
        reserved = (int) Math.max(length, 0);
        if (HttpUtil.is100ContinueExpected(request)) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                    Unpooled.EMPTY_BUFFER));
        }
        // A declared length gets an exact heap buffer whose array becomes the envelope without a copy; the
        // budget was taken for it above, so declaring 16 MiB on many connections cannot exhaust the heap.
        body = length >= 0 ? Unpooled.buffer((int) length, maxEnvelopeBytes)
                : Unpooled.buffer(Math.min(8192, maxEnvelopeBytes), maxEnvelopeBytes);
        mode = Mode.UPLOAD;
        uploadStarted = System.nanoTime();
        paceCheck = ctx.executor().scheduleAtFixedRate(() -> checkPace(ctx), 1, 1, TimeUnit.SECONDS);
    }

    /** Every second of an upload (on the event loop): one that falls behind {@link ArrivalPace} is cut off. */
    private void checkPace(ChannelHandlerContext ctx) {
        if (mode != Mode.UPLOAD || body == null) {
            stopPaceCheck();
            return;
        }
        if (pace.behind(body.readableBytes(), System.nanoTime() - uploadStarted)) {
            LOG.warn("Envelope upload from {} cut off: {} bytes in {} ms is slower than {} bytes/s; its sender may retry",
                    ctx.channel().remoteAddress(), body.readableBytes(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - uploadStarted), pace.octetsPerSecond());
            mode = Mode.CLOSING;
            releaseBody();
            events.received(ReceivingEvents.Reception.CUT_OFF);
            ctx.close();
        }
    }

    private void stopPaceCheck() {
        if (paceCheck != null) {
            paceCheck.cancel(false);
            paceCheck = null;
        }
    }

    private void onContent(ChannelHandlerContext ctx, HttpContent content) {
        if (mode == Mode.UPLOAD && content.decoderResult().isFailure()) { // e.g. a malformed chunk size: not an end
            releaseBody();
            respondAndClose(ctx, HttpResponseStatus.BAD_REQUEST, "malformed request body");
        } else if (mode == Mode.UPLOAD) {
            ByteBuf chunk = content.content();
            if (chunk.readableBytes() > maxEnvelopeBytes - body.readableBytes()) {
                releaseBody();
                respondAndClose(ctx, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                        "envelope exceeds the limit of " + maxEnvelopeBytes + " bytes");
                return;
            }
            // a declared length was taken whole at the head; a chunked body (or more than declared) takes as it grows
            int beyond = body.readableBytes() + chunk.readableBytes() - reserved;
            if (beyond > 0) {
                if (!budget.take(uploader.address(), beyond)) {
                    releaseBody();
                    refuseBusy(ctx);
                    return;
                }
                reserved += beyond;
            }
            body.writeBytes(chunk);
            if (content instanceof LastHttpContent) {
                finishUpload(ctx);
            }
        } else if (mode == Mode.DISCARD && content.decoderResult().isFailure()) {
            mode = Mode.CLOSING; // the decoder has stopped: nothing more can be read on this connection
            ctx.close();
        } else if (mode == Mode.DISCARD && content instanceof LastHttpContent) {
            mode = Mode.IDLE;
        }
    }

    private void refuseBusy(ChannelHandlerContext ctx) {
        LOG.warn("Envelope upload from {} refused with 503: the receiver, or this peer's share of it, holds as many"
                        + " envelope bytes as it may",
                ctx.channel().remoteAddress());
        respondAndClose(ctx, Responses.unavailable(RETRY_AFTER_BUSY));
        events.received(ReceivingEvents.Reception.BUSY);
    }

    private void finishUpload(ChannelHandlerContext ctx) {
        byte[] bytes = body.hasArray() && body.arrayOffset() == 0 && body.readerIndex() == 0
                && body.array().length == body.readableBytes() ? body.array() : ByteBufUtil.getBytes(body);
        int held = reserved; // stays taken until the envelope is stored: its bytes are still in memory
        // (a body shorter than declared holds what was declared; the difference goes back with the rest)
        reserved = 0;
        releaseBody();
        PeerAddress peer = uploader;
        if (bytes.length == 0) {
            budget.give(peer.address(), held);
            respondAndClose(ctx, HttpResponseStatus.BAD_REQUEST, "empty envelope");
            return;
        }
        mode = Mode.STORING;
        ctx.channel().config().setAutoRead(false);
        EnvelopeId id = envelopeId;
        try {
            blocking.execute(() -> store(ctx, id, EnvelopeBytes.adopt(bytes), peer, held));
        } catch (RejectedExecutionException e) {
            budget.give(peer.address(), held);
            answerStored(ctx, Responses.unavailable(RETRY_AFTER_UNAVAILABLE));
        }
    }

    /** On a blocking thread: commit, then answer on the event loop. */
    private void store(ChannelHandlerContext ctx, EnvelopeId id, EnvelopeBytes envelope, PeerAddress peer, int held) {
        FullHttpResponse response = null;
        try {
            EnvelopeIntake.Answer answer = intake.receive(id, envelope, peer);
            response = answer instanceof EnvelopeIntake.Answer.Malformed malformed
                    ? Responses.text(HttpResponseStatus.BAD_REQUEST, "malformed envelope: " + malformed.reason())
                    : Responses.text(HttpResponseStatus.ACCEPTED, "accepted");
        } catch (RuntimeException e) {
            LOG.warn("Storing inbound envelope {} ({} bytes) failed: {}; peer told to retry", id, envelope.size(),
                    e.getMessage());
            response = Responses.unavailable(RETRY_AFTER_UNAVAILABLE);
        } finally {
            budget.give(peer.address(), held); // before the answer: a peer that has it may send the next one at once
            // an Error still gets an answer: reading stays paused, and the idle timeout spared, until one is sent
            FullHttpResponse answer = response != null ? response
                    : Responses.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error");
            ctx.executor().execute(() -> answerStored(ctx, answer));
        }
    }

    private void answerStored(ChannelHandlerContext ctx, FullHttpResponse response) {
        if (mode == Mode.CLOSING || !keepAlive) {
            respondAndClose(ctx, response);
            return;
        }
        mode = Mode.IDLE;
        HttpUtil.setKeepAlive(response, true);
        ctx.writeAndFlush(response);
        ctx.channel().config().setAutoRead(true);
    }

    /** Answers a request whose body (if any) we do not want: read on only if it has none. */
    private void respondBeforeBody(ChannelHandlerContext ctx, HttpRequest request, FullHttpResponse response) {
        if (hasBody(request) || !keepAlive) {
            respondAndClose(ctx, response);
            return;
        }
        HttpUtil.setKeepAlive(response, true);
        ctx.writeAndFlush(response);
        mode = Mode.DISCARD;
    }

    private static boolean hasBody(HttpRequest request) {
        return HttpUtil.getContentLength(request, 0L) > 0 || HttpUtil.isTransferEncodingChunked(request);
    }

    private void respondAndClose(ChannelHandlerContext ctx, HttpResponseStatus status, String text) {
        respondAndClose(ctx, Responses.text(status, text));
    }

    private void respondAndClose(ChannelHandlerContext ctx, FullHttpResponse response) {
        mode = Mode.CLOSING;
        HttpUtil.setKeepAlive(response, false);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    private static String pathOf(String uri) {
        int query = uri.indexOf('?');
        return query < 0 ? uri : uri.substring(0, query);
    }

    private static PeerAddress peer(ChannelHandlerContext ctx) {
        return new PeerAddress(((InetSocketAddress) ctx.channel().remoteAddress()).getAddress());
    }

    /** Ends the upload under way, if any: its buffer freed, its bytes given back, its pace no longer checked. */
    private void releaseBody() {
        stopPaceCheck();
        if (body != null) {
            body.release();
            body = null;
        }
        if (reserved > 0) {
            budget.give(uploader.address(), reserved);
        }
        reserved = 0;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent && mode != Mode.STORING && mode != Mode.SERVING) {
            ctx.close();
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        releaseBody();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Peers hang up, fail TLS handshakes or send garbage: their problem, logged for debugging only.
        LOG.debug("Closing connection from {}: {}", ctx.channel().remoteAddress(), cause.toString());
        releaseBody();
        ctx.close();
    }
}
