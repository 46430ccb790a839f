package dev.sextant.api.http;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.URI;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;

/**
 * A small blocking HTTP/1.1 client on Netty for plain-HTTP remote write: keep-alive connections
 * kept in an idle pool (one per concurrently sending shard), the request body wrapped, not copied,
 * and the request headers encoded into Netty's pooled buffers. It replaces the JDK
 * {@code HttpClient} on the hot path, whose per-request machinery (a chain of
 * {@code CompletableFuture} stages, a selector thread and a worker pool handing the response over)
 * cost more CPU than encoding the batch.
 *
 * <p>All senders share one event-loop thread ({@code remote-write-http}, a daemon); a request
 * blocks its calling shard thread until the response is complete, the connection failed, or
 * {@code timeoutMillis} passed (the connection is then closed, like a timed-out request in
 * Prometheus). Only the first 1 KiB of a response body is kept (for the log line).
 *
 * <p>It lives in this package because Netty types stay in {@code api.http}; its interface is
 * Netty-free.
 *
 * <p>Thread-safety: thread-safe; each connection serves one request at a time.
 */
public final class Http1PostClient implements AutoCloseable {
    /** Bytes of a response body kept for the error message. */
    public static final int BODY_KEPT = 1024;

    private static final class Group {
        static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(1,
                new DefaultThreadFactory("remote-write-http", true), NioIoHandler.newFactory());
    }

    /** A response: status, {@code Retry-After} (or null), and the first bytes of the body. */
    public record Response(int status, String retryAfter, byte[] body, int bodyLength) {}

    private final String host;
    private final int port;
    private final String hostHeader;
    private final String target;
    private final Bootstrap bootstrap;
    private final ConcurrentLinkedDeque<Conn> idle = new ConcurrentLinkedDeque<>();
    private volatile boolean closed;

    public Http1PostClient(URI uri, int connectTimeoutMillis) {
        this.host = uri.getHost();
        this.port = uri.getPort() > 0 ? uri.getPort() : 80;
        this.hostHeader = uri.getPort() > 0 ? host + ":" + port : host;
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        this.target = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        this.bootstrap = new Bootstrap().group(Group.GROUP).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.max(1, connectTimeoutMillis))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(4096, 8192, 8192), new Conn(ch));
                    }
                });
    }

    /**
     * POSTs {@code len} bytes of {@code body} with {@code headers} (names and values alternating;
     * Host and Content-Length are added here). The array is not copied; it is not touched any more
     * once this method returns.
     *
     * @throws IOException connection failure, a broken or malformed response, or the timeout
     */
    public Response post(byte[] body, int len, String[] headers, long timeoutMillis)
            throws IOException, InterruptedException {
        if (closed) {
            throw new IOException("remote write client closed");
        }
        HttpHeaders h = new DefaultHttpHeaders(false);
        h.set(HttpHeaderNames.HOST, hostHeader);
        h.set(HttpHeaderNames.CONTENT_LENGTH, len);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            h.add(headers[i], headers[i + 1]);
        }
        return post(body, len, h, timeoutMillis);
    }

    private Response post(byte[] body, int len, HttpHeaders headers, long timeoutMillis)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        Conn c = idle.pollFirst();
        while (c != null && !c.ch.isActive()) {
            c.ch.close();
            c = idle.pollFirst();
        }
        if (c != null) {
            try {
                return exchange(c, body, len, headers, deadline);
            } catch (IOException e) {
                // A kept-alive connection the receiver closed while idle fails before any answer;
                // that says nothing about the receiver, so try once more on a new connection.
                if (c.answered() || System.nanoTime() >= deadline) {
                    throw e;
                }
            }
        }
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        return exchange(connect(Math.max(1, left)), body, len, headers, deadline);
    }

    private Response exchange(Conn c, byte[] body, int len, HttpHeaders headers, long deadline)
            throws IOException, InterruptedException {
        ByteBuf content = Unpooled.wrappedBuffer(body, 0, len);
        DefaultFullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, target, content,
                headers, EmptyHttpHeaders.INSTANCE);
        c.begin();
        ChannelFuture write = c.ch.writeAndFlush(req);
        write.addListener(f -> {
            if (!f.isSuccess()) {
                c.fail(f.cause());
            }
        });
        boolean reuse = false;
        try {
            Response r = c.await(deadline);
            reuse = c.keepAlive && write.isDone() && write.isSuccess();
            return r;
        } finally {
            if (reuse && !closed) {
                idle.offerFirst(c);
            } else {
                // The receiver may answer before reading the whole body: make sure Netty is done
                // with the caller's array before it is reused.
                c.ch.close();
                write.awaitUninterruptibly();
            }
        }
    }

    private Conn connect(long timeoutMillis) throws IOException, InterruptedException {
        ChannelFuture f = bootstrap.connect(host, port);
        if (!f.await(Math.max(1, timeoutMillis))) {
            f.cancel(false);
            f.channel().close();
            throw new IOException("connecting to " + hostHeader + " timed out");
        }
        if (!f.isSuccess()) {
            Throwable t = f.cause();
            throw new IOException(t.getMessage() == null ? t.toString() : t.getMessage(), t);
        }
        return f.channel().pipeline().get(Conn.class);
    }

    /** Closes idle connections; later requests fail. */
    @Override
    public void close() {
        closed = true;
        Conn c;
        while ((c = idle.pollFirst()) != null) {
            c.ch.close();
        }
    }

    /** One connection and the state of its current request (guarded by {@code this}). */
    private static final class Conn extends SimpleChannelInboundHandler<HttpObject> {
        final Channel ch;
        private boolean waiting;
        private boolean done;
        private Throwable error;
        private int status;
        private String retryAfter;
        private final byte[] body = new byte[BODY_KEPT];
        private int bodyLen;
        boolean keepAlive;

        Conn(Channel ch) {
            this.ch = ch;
        }

        synchronized void begin() {
            waiting = true;
            done = false;
            error = null;
            status = 0;
            retryAfter = null;
            bodyLen = 0;
            keepAlive = false;
        }

        synchronized Response await(long deadlineNanos) throws IOException, InterruptedException {
            try {
                while (!done) {
                    long left = deadlineNanos - System.nanoTime();
                    if (left <= 0) {
                        throw new IOException("request timed out");
                    }
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                }
                if (error != null) {
                    throw error instanceof IOException io ? new IOException(io.getMessage(), io)
                            : new IOException(error.toString(), error);
                }
                return new Response(status, retryAfter, body.clone(), bodyLen);
            } finally {
                waiting = false;
            }
        }

        /** Whether the current request got (the start of) an answer. */
        synchronized boolean answered() {
            return status != 0;
        }

        synchronized void fail(Throwable t) {
            if (waiting && !done) {
                error = t;
                done = true;
                notifyAll();
            }
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (msg.decoderResult().isFailure()) {
                fail(new IOException("malformed response: " + msg.decoderResult().cause()));
                ctx.close();
                return;
            }
            synchronized (this) {
                if (!waiting || done) {
                    return; // nothing asked (a stray or late answer): ignored, the connection is not reused
                }
                if (msg instanceof HttpResponse r) {
                    if (r.status().codeClass() == io.netty.handler.codec.http.HttpStatusClass.INFORMATIONAL) {
                        return; // 100 Continue and friends: the real answer follows
                    }
                    status = r.status().code();
                    retryAfter = r.headers().get(HttpHeaderNames.RETRY_AFTER);
                    keepAlive = HttpUtil.isKeepAlive(r);
                }
                if (msg instanceof HttpContent c && status != 0) {
                    ByteBuf b = c.content();
                    int n = Math.min(b.readableBytes(), BODY_KEPT - bodyLen);
                    if (n > 0) {
                        b.getBytes(b.readerIndex(), body, bodyLen, n);
                        bodyLen += n;
                    }
                    if (msg instanceof LastHttpContent) {
                        done = true;
                        notifyAll();
                    }
                }
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            fail(new IOException("connection closed by the receiver"));
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(cause);
            ctx.close();
        }
    }
}
