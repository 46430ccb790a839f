package dev.sextant.scrape.loop;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

/**
 * The scrape transport for plain-HTTP targets without a proxy (most targets in a cluster): one
 * kept-alive HTTP/1.1 connection per target on a shared Netty event loop, the body copied straight
 * from the socket buffers into the loop's reusable byte array. It replaces the JDK
 * {@code HttpClient} there, whose request machinery (a chain of {@code CompletableFuture} stages,
 * a selector thread and executor hand-offs) cost about twice the CPU of parsing and storing the
 * samples. HTTPS targets, proxies and redirects stay on the JDK client ({@link ScrapeLoop} hands a
 * scrape over when it meets a redirect).
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
        return new Conn(host, port);
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }

    final class Conn {
        private final String host;
        private final int port;
        private final String hostHeader;
        private volatile Channel channel;
        private volatile Request current;
        private volatile boolean abandoned;

        private Conn(String host, int port) {
            this.host = host;
            this.port = port;
            this.hostHeader = port == 80 ? host : host + ":" + port;
        }

        /**
         * Sends {@code GET target}; headers come from {@code headers} (called with a sink).
         * The body goes into {@code body}; the result arrives at {@code cb} exactly once.
         */
        void get(String target, java.util.function.Consumer<BiConsumer<String, String>> headers, long timeoutMs,
                BodyCollector body, Callback cb) {
            // Empty content that needs no release, so the same request can be written again on a retry.
            DefaultFullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, target,
                    Unpooled.EMPTY_BUFFER);
            HttpHeaders h = req.headers();
            h.set(HttpHeaderNames.HOST, hostHeader);
            headers.accept(h::add);
            Request r = new Request(req, body, cb);
            current = r;
            Channel ch = channel;
            if (ch != null && ch.isActive()) {
                ch.eventLoop().execute(() -> r.start(ch, timeoutMs, true));
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
            Bootstrap b = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(new HttpClientCodec(4096, 1 << 20, 1 << 20), new Handler());
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
            private final DefaultFullHttpRequest req;
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

            Request(DefaultFullHttpRequest req, BodyCollector body, Callback cb) {
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
                ch.writeAndFlush(req).addListener(f -> {
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
