package dev.sextant.scrape.loop;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The scrape transport for plain-HTTP targets without a proxy (most targets in a cluster): one
 * kept-alive HTTP/1.1 connection per target on a shared Netty event loop, the body copied straight
 * from the socket buffers into the loop's reusable byte array. It replaces the JDK
 * {@code HttpClient} there, whose request machinery (a chain of {@code CompletableFuture} stages,
 * a selector thread and executor hand-offs) cost about twice the CPU of parsing and storing the
 * samples. HTTPS targets, proxies and redirects stay on the JDK client ({@link ScrapeLoop} hands a
 * scrape over when it meets a redirect).
 *
 * <p>Requests are written as bytes the caller encoded once ({@link #encodeRequest}): a scrape's request
 * is the same every time unless a credential file changes, so nothing is encoded per scrape. Each
 * connection has one event loop, which can also run the loop's periodic ticks
 * ({@link Conn#scheduleAtFixedRate}), so a scrape starts on the thread that sends it: no scheduler
 * thread and no hand-off per tick.
 *
 * <p>Completion is reported once per request on the event loop; the caller moves the parse and
 * append elsewhere. Netty types stay in this class.
 *
 * <p>Thread-safety: {@link Conn#get} is called by one scrape at a time per connection (a loop
 * never overlaps its scrapes); everything else runs on the connection's event loop.
 */
final class NettyScrapeClient implements AutoCloseable {
    /** The response of one scrape; {@code error} is set when there is none. */
    record Result(int status, String contentType, String contentEncoding, BodyCollector body, Throwable error) {}

    /** Receives the result on the event loop. */
    interface Callback {
        void done(Result r);
    }

    private final EventLoopGroup group;
    private final Bootstrap bootstrap;

    NettyScrapeClient(int threads) {
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("scrape-io", true),
                NioIoHandler.newFactory());
        this.bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000);
    }

    /** A connection holder for one target ({@code host:port}); connects on first use and after a close. */
    Conn connection(String host, int port) {
        return new Conn(host, port, group.next());
    }

    /**
     * The bytes of {@code GET target HTTP/1.1} with a Host header and {@code headers} (name, value,
     * name, value, ...), in that order.
     *
     * @throws IOException when a name is not an HTTP token or a value holds a control character
     *     (CR, LF, NUL...), which would let a config value inject headers; the scrape fails with it
     */
    static byte[] encodeRequest(String target, String hostHeader, List<String> headers) throws IOException {
        StringBuilder sb = new StringBuilder(256 + target.length());
        sb.append("GET ").append(target).append(" HTTP/1.1\r\n");
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= ' ' || c == 0x7f) { // non-ASCII goes out as UTF-8, as before
                throw new IOException("invalid request target " + target);
            }
        }
        appendHeader(sb, "Host", hostHeader);
        for (int i = 0; i + 1 < headers.size(); i += 2) {
            appendHeader(sb, headers.get(i), headers.get(i + 1));
        }
        sb.append("\r\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void appendHeader(StringBuilder sb, String name, String value) throws IOException {
        if (name.isEmpty()) {
            throw new IOException("net/http: invalid header field name \"\"");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c >= 0x7f || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                throw new IOException("net/http: invalid header field name \"" + name + "\"");
            }
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < ' ' && c != '\t') || c == 0x7f) {
                throw new IOException("net/http: invalid header field value for \"" + name + "\"");
            }
        }
        sb.append(name).append(": ").append(value).append("\r\n");
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }

    final class Conn {
        private final String host;
        private final int port;
        private final String hostHeader;
        /** The loop this connection's channels are registered on, and the one its ticks run on. */
        private final EventLoop loop;
        private volatile Channel channel;
        private volatile Request current;
        private volatile boolean abandoned;

        private Conn(String host, int port, EventLoop loop) {
            this.host = host;
            this.port = port;
            this.hostHeader = port == 80 ? host : host + ":" + port;
            this.loop = loop;
        }

        /** The Host header value for this target. */
        String hostHeader() {
            return hostHeader;
        }

        /**
         * Runs {@code task} on this connection's event loop at {@code delay + k * period}; the
         * returned future cancels it. The task must not block and must not throw (a periodic task
         * that throws is not run again).
         */
        java.util.concurrent.ScheduledFuture<?> scheduleAtFixedRate(Runnable task, long delayMs, long periodMs) {
            return loop.scheduleAtFixedRate(task, delayMs, periodMs, TimeUnit.MILLISECONDS);
        }

        /** Runs {@code task} on this connection's event loop, soon. */
        void execute(Runnable task) {
            loop.execute(task);
        }

        /** Whether the caller runs on this connection's event loop. */
        boolean inLoop() {
            return loop.inEventLoop();
        }

        /**
         * Sends {@code request} (from {@link #encodeRequest}; not modified afterwards). The body goes
         * into {@code body}; the result arrives at {@code cb} exactly once, on the event loop. Called
         * on the event loop, the request is written at once; from another thread it is handed over.
         */
        void get(byte[] request, long timeoutMs, BodyCollector body, Callback cb) {
            Request r = new Request(request, body, cb);
            current = r;
            Channel ch = channel;
            if (ch != null && ch.isActive()) {
                if (loop.inEventLoop()) {
                    r.start(ch, timeoutMs, true);
                } else {
                    loop.execute(() -> r.start(ch, timeoutMs, true));
                }
                return;
            }
            connectAndSend(r, timeoutMs);
        }

        /** Closes the connection for good; an in-flight request fails. */
        void abandon() {
            abandoned = true;
            Channel ch = channel;
            if (ch != null) {
                ch.close();
            }
        }

        private void connectAndSend(Request r, long timeoutMs) {
            // A response decoder only: requests are written as encoded bytes.
            Bootstrap b = bootstrap.clone(loop).handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(new HttpResponseDecoder(4096, 1 << 20, 1 << 20), new Handler());
                }
            });
            b.connect(host, port).addListener(f -> {
                if (!f.isSuccess()) {
                    r.fail(f.cause() instanceof Exception e ? e : new IOException(f.cause()));
                    return;
                }
                Channel ch = ((io.netty.channel.ChannelFuture) f).channel();
                if (abandoned) {
                    ch.close();
                    r.fail(new IOException("scrape abandoned"));
                    return;
                }
                channel = ch; // kept for the next scrape even if this one already timed out
                r.start(ch, timeoutMs, false);
            });
        }

        /** One request; all state changes after {@link #start} happen on the channel's event loop. */
        private final class Request {
            private final byte[] req;
            private final BodyCollector body;
            private final Callback cb;
            private Channel ch;
            private ScheduledFuture<?> timeout;
            private boolean done;
            private boolean responded;
            private boolean reused;
            private int status;
            private boolean keepAlive;
            private String contentType = "";
            private String contentEncoding = "";
            private long timeoutMs;

            Request(byte[] req, BodyCollector body, Callback cb) {
                this.req = req;
                this.body = body;
                this.cb = cb;
            }

            void start(Channel ch, long timeoutMs, boolean reused) {
                if (done) {
                    return; // timed out while connecting: never send it
                }
                this.ch = ch;
                this.reused = reused;
                this.timeoutMs = timeoutMs;
                if (timeout == null) {
                    timeout = ch.eventLoop().schedule(() -> {
                        if (!done) {
                            Channel c = this.ch;
                            fail(new TimeoutException("scrape timed out"));
                            if (c != null) {
                                c.close(); // its answer may still come: the connection is not reused
                            }
                        }
                    }, timeoutMs, TimeUnit.MILLISECONDS);
                }
                // A new wrapper per write: a retry on a new connection writes the same bytes again.
                ch.writeAndFlush(Unpooled.wrappedBuffer(req)).addListener(f -> {
                    if (!f.isSuccess()) {
                        closed(f.cause());
                    }
                });
            }

            void onResponse(HttpResponse resp) {
                responded = true;
                status = resp.status().code();
                keepAlive = HttpUtil.isKeepAlive(resp);
                String ct = resp.headers().get(HttpHeaderNames.CONTENT_TYPE);
                String ce = resp.headers().get(HttpHeaderNames.CONTENT_ENCODING);
                contentType = ct == null ? "" : ct;
                contentEncoding = ce == null ? "" : ce;
            }

            void onContent(ByteBuf content) {
                if (done || status != 200) {
                    return; // other statuses: the body is read to keep the connection, not kept
                }
                int n = content.readableBytes();
                if (!body.reserve(n)) {
                    fail(new BodyCollector.TooLarge(body.limit()));
                    ch.close();
                    return;
                }
                content.getBytes(content.readerIndex(), body.buf, body.len, n);
                body.len += n;
            }

            void onEnd() {
                if (done) {
                    return;
                }
                finish(new Result(status, contentType, contentEncoding, body, null));
                if (!keepAlive) {
                    ch.close();
                }
            }

            /** The connection closed or a write failed before the response ended. */
            void closed(Throwable cause) {
                if (done) {
                    return;
                }
                if (reused && !responded && !abandoned) {
                    // A kept-alive connection the target had already closed: one new connection, as
                    // Go's client retries an idempotent request once.
                    reused = false;
                    ch = null; // later events of the old connection are not this request's
                    connectAndSend(this, timeoutMs);
                    return;
                }
                fail(cause != null ? cause : new IOException("connection closed before the response was complete"));
            }

            void fail(Throwable t) {
                if (done) {
                    return;
                }
                finish(new Result(0, "", "", body, t));
            }

            private void finish(Result r) {
                done = true;
                if (timeout != null) {
                    timeout.cancel(false);
                }
                if (current == this) {
                    current = null;
                }
                cb.done(r);
            }
        }

        private final class Handler extends ChannelInboundHandlerAdapter {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                try {
                    Request r = current;
                    if (r == null || r.ch != ctx.channel() || r.done) {
                        return; // nothing asked for this (a late answer after a timeout)
                    }
                    if (msg instanceof HttpResponse resp) {
                        r.onResponse(resp);
                    }
                    if (msg instanceof HttpContent c && r.responded) {
                        r.onContent(c.content());
                        if (msg instanceof LastHttpContent) {
                            r.onEnd();
                        }
                    }
                } finally {
                    ReferenceCountUtil.release(msg);
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                if (channel == ctx.channel()) {
                    channel = null;
                }
                Request r = current;
                if (r != null && r.ch == ctx.channel()) {
                    r.closed(null);
                }
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                Request r = current;
                if (r != null && r.ch == ctx.channel()) {
                    r.fail(cause);
                }
                ctx.close();
            }
        }
    }
}
