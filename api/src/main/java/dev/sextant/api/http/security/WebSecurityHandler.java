package dev.sextant.api.http.security;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web configuration's per-request part, right after the HTTP codec and before any body is
 * aggregated: re-reads the file, applies the rate limit, checks basic-auth credentials and adds
 * the configured response headers. A rejected request never reaches the aggregator, so an
 * unauthenticated client cannot make the server buffer a body.
 *
 * <p>On a credential cache miss, reading from the connection pauses while bcrypt runs on
 * {@link BasicAuthenticator}'s thread; messages already decoded wait in a queue and are replayed
 * (or discarded) once the answer is known. One instance per connection; all methods run on the
 * channel's event loop.
 */
final class WebSecurityHandler extends ChannelDuplexHandler {
    private static final Logger log = LoggerFactory.getLogger(WebSecurityHandler.class);

    private final WebConfigSource source;
    private final BasicAuthenticator authenticator;
    private final RateLimiter limiter;

    /** Decoded messages held while bcrypt runs. */
    private final ArrayDeque<Object> pending = new ArrayDeque<>();
    private boolean waiting;
    /** Dropping the body of a rejected request until its last chunk. */
    private boolean discarding;
    /**
     * Close once the rejected request's body has been drained (or {@link #MAX_DRAIN} bytes of it):
     * closing with unread bytes makes the kernel send a reset, which can destroy the response before
     * the client reads it. Go's server drains up to 256 KiB the same way.
     */
    private boolean closeAfterDrain;
    private long drained;
    static final long MAX_DRAIN = 256 * 1024;
    /** Headers for the response to the request in progress. */
    private Map<String, String> headers = Map.of();

    WebSecurityHandler(WebConfigSource source, BasicAuthenticator authenticator, RateLimiter limiter) {
        this.source = source;
        this.authenticator = authenticator;
        this.limiter = limiter;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (waiting) {
            pending.add(msg);
            return;
        }
        if (discarding) {
            discarding = !(msg instanceof LastHttpContent);
            if (msg instanceof io.netty.buffer.ByteBufHolder h) {
                drained += h.content().readableBytes();
            }
            ReferenceCountUtil.release(msg);
            if (closeAfterDrain && (!discarding || drained > MAX_DRAIN)) {
                discarding = false;
                closeAfterDrain = false;
                ctx.close();
            }
            return;
        }
        if (!(msg instanceof HttpRequest req)) {
            ctx.fireChannelRead(msg);
            return;
        }
        WebConfig c;
        try {
            c = source.current();
        } catch (WebConfigException e) {
            log.error("msg=\"Unable to parse configuration\" err=\"{}\"", e.getMessage());
            headers = Map.of();
            reject(ctx, req, HttpResponseStatus.INTERNAL_SERVER_ERROR, false);
            return;
        }
        headers = c.http().headers();
        if (limiter != null && !limiter.tryAcquire()) {
            reject(ctx, req, HttpResponseStatus.TOO_MANY_REQUESTS, false);
            return;
        }
        if (c.users().isEmpty()) {
            ctx.fireChannelRead(msg);
            return;
        }
        BasicAuthenticator.Credentials cred = BasicAuthenticator.parse(req.headers().get(HttpHeaderNames.AUTHORIZATION));
        if (cred == null) {
            reject(ctx, req, HttpResponseStatus.UNAUTHORIZED, true);
            return;
        }
        Boolean ok = authenticator.cached(c.users(), cred);
        if (ok != null) {
            if (ok) {
                ctx.fireChannelRead(msg);
            } else {
                reject(ctx, req, HttpResponseStatus.UNAUTHORIZED, true);
            }
            return;
        }
        // Cache miss: bcrypt takes tens of milliseconds, too long for an event loop.
        waiting = true;
        pending.add(msg);
        ctx.channel().config().setAutoRead(false);
        authenticator.verify(c.users(), cred).whenComplete((good, err) -> ctx.executor().execute(() -> {
            if (err != null) {
                log.error("msg=\"basic auth check failed\" err=\"{}\"", err.toString());
            }
            resume(ctx, err == null && good);
        }));
    }

    private void resume(ChannelHandlerContext ctx, boolean ok) {
        waiting = false;
        if (!ctx.channel().isActive()) {
            releasePending();
            return;
        }
        Object first = pending.poll();
        if (ok) {
            ctx.fireChannelRead(first);
        } else {
            reject(ctx, (HttpRequest) first, HttpResponseStatus.UNAUTHORIZED, true);
        }
        while (!waiting && !pending.isEmpty()) {
            channelRead(ctx, pending.poll());
        }
        if (!waiting) {
            ctx.channel().config().setAutoRead(true);
            ctx.fireChannelReadComplete();
        }
    }

    /** Answers {@code req} itself (as Go's {@code http.Error}), dropping its body; releases {@code req}. */
    private void reject(ChannelHandlerContext ctx, HttpRequest req, HttpResponseStatus status, boolean challenge) {
        boolean bodyFollows = !(req instanceof LastHttpContent)
                && (HttpUtil.isTransferEncodingChunked(req) || HttpUtil.getContentLength(req, 0L) > 0);
        boolean keepAlive = HttpUtil.isKeepAlive(req) && !bodyFollows;
        discarding = !(req instanceof LastHttpContent);
        // Drain a small body before closing, unless the client waits for "100 Continue" before sending it.
        boolean drain = discarding && !HttpUtil.is100ContinueExpected(req) && HttpUtil.getContentLength(req, 0L) <= MAX_DRAIN;
        ReferenceCountUtil.release(req);
        byte[] body = (status.reasonPhrase() + "\n").getBytes(StandardCharsets.UTF_8);
        FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        resp.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        resp.headers().set("X-Content-Type-Options", "nosniff");
        if (challenge) {
            resp.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Basic");
        }
        // ctx.write starts below this handler, so write() does not see this response: add the headers here.
        for (Map.Entry<String, String> h : headers.entrySet()) {
            resp.headers().set(h.getKey(), h.getValue());
        }
        HttpUtil.setContentLength(resp, body.length);
        if (keepAlive) {
            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(resp);
        } else if (drain) {
            // A body we will not use: answer now, drain it (bounded), then close.
            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            closeAfterDrain = true;
            drained = 0;
            ctx.writeAndFlush(resp);
        } else {
            // A client that asked to close, or a body too large to drain: close after answering.
            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            discarding = false;
            ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Adds the configured headers unless the handler set them itself (the toolkit sets them first, handlers may override). */
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse resp) {
            for (Map.Entry<String, String> h : headers.entrySet()) {
                if (!resp.headers().contains(h.getKey())) {
                    resp.headers().set(h.getKey(), h.getValue());
                }
            }
        }
        ctx.write(msg, promise);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releasePending();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releasePending();
        ctx.fireChannelInactive();
    }

    private void releasePending() {
        Object m;
        while ((m = pending.poll()) != null) {
            ReferenceCountUtil.release(m);
        }
    }
}
