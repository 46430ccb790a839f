package dev.sextant.api.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import dev.sextant.api.http.security.WebSecurity;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty HTTP/1.1 server. The event loop decodes, routes and encodes; handlers run on a worker
 * pool, so a slow query never stalls other connections, except {@linkplain Handler#inline() inline}
 * ones (probes, build info, 404s), which the event loop answers itself, and {@linkplain
 * Handler#loopFirst() loop-first} ones (queries), which the event loop starts and hands to the pool
 * when they cannot finish quickly (a query's evaluation stops after a small budget and runs again
 * on a worker). Request bodies are copied out of Netty's buffers before the hand-off, so no
 * {@link ByteBuf} leaves the pipeline that owns it.
 *
 * <p>Lifecycle: {@link #start()} once, {@link #close()} once. Thread-safety: thread-safe.
 */
public final class HttpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);

    /** Largest request body accepted (remote-write batches are far smaller). */
    public static final int MAX_CONTENT_LENGTH = 64 * 1024 * 1024;

    private final String host;
    private final int port;
    private final Router router;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ExecutorService handlerPool;
    private final RequestObserver observer;
    /** {@code --web.config.file}: TLS, basic auth, headers; null when not given. */
    private final WebSecurity security;
    private Channel channel;

    /** Told about every answered request, e.g. to count it in self-metrics. Must be thread-safe. */
    @FunctionalInterface
    public interface RequestObserver {
        RequestObserver NONE = (handler, status, nanos) -> { };

        void observe(String handler, int status, long nanos);
    }

    public HttpServer(String host, int port, Router router, int handlerThreads, RequestObserver observer) {
        this(host, port, router, handlerThreads, observer, null);
    }

    /** @param security the web configuration's TLS and authentication, or null for plain, open HTTP; closed with the server */
    public HttpServer(String host, int port, Router router, int handlerThreads, RequestObserver observer,
            WebSecurity security) {
        this.security = security;
        this.host = host;
        this.port = port;
        this.router = router;
        this.observer = observer;
        this.boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        this.workers = new MultiThreadIoEventLoopGroup(0, NioIoHandler.newFactory());
        AtomicInteger n = new AtomicInteger();
        this.handlerPool = Executors.newFixedThreadPool(handlerThreads, r -> {
            Thread t = new Thread(r, "http-handler-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Binds and starts serving. @throws java.io.IOException-like failures as RuntimeException (e.g. port in use) */
    public HttpServer start() throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (security != null && security.tlsEnabled()) {
                            ch.pipeline().addLast(security.tlsHandlers());
                        }
                        ch.pipeline().addLast(new HttpServerCodec());
                        if (security != null) {
                            // Before the aggregator: a rejected request's body is never buffered.
                            ch.pipeline().addLast(security.newHttpHandler());
                        }
                        ch.pipeline()
                                .addLast(new HttpContentCompressor())
                                .addLast(new HttpObjectAggregator(MAX_CONTENT_LENGTH))
                                .addLast(new Dispatcher());
                    }
                });
        channel = b.bind(host, port).sync().channel();
        log.info("msg=\"HTTP server listening\" address={} tls={}", channel.localAddress(),
                security != null && security.tlsEnabled());
        return this;
    }

    /** The bound port (useful when started on port 0). */
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        // Let running handlers hand their responses to the event loops before those stop: a
        // /-/quit answers "Goodbye!" from a handler while another thread is already closing.
        handlerPool.shutdown();
        try {
            if (!handlerPool.awaitTermination(5, TimeUnit.SECONDS)) {
                handlerPool.shutdownNow();
            }
        } catch (InterruptedException e) {
            handlerPool.shutdownNow();
            Thread.currentThread().interrupt();
        }
        // The handlers' answers are tasks queued on the event loops; a loop that is shutting down
        // closes its channels before it runs what is queued. One empty task per loop, waited for,
        // lets every answer queued before it reach its socket first.
        for (io.netty.util.concurrent.EventExecutor loop : workers) {
            loop.submit(() -> { }).awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        if (security != null) {
            security.close();
        }
    }

    /** One per connection (HTTP/1.1 without pipelining: at most one request in flight). */
    private final class Dispatcher extends SimpleChannelInboundHandler<FullHttpRequest> {
        private volatile java.util.concurrent.Future<?> inFlight;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
            boolean keepAlive = HttpUtil.isKeepAlive(msg);
            if (!msg.decoderResult().isSuccess()) {
                write(ctx, ApiResponse.text(400, "400 Bad Request\n"), false);
                return;
            }
            ApiRequest request = RequestDecoder.decode(msg);
            Router.Route route = router.resolve(request.method(), request.path());
            if (route.handler().inline()) {
                // Cheap, non-blocking handler: answer from this event loop, no thread hand-off.
                serve(ctx, request, route, keepAlive, true);
                return;
            }
            if (route.handler().loopFirst() && serveLoopFirst(ctx, request, route, keepAlive)) {
                return;
            }
            submit(ctx, () -> serve(ctx, request, route, keepAlive, false));
        }

        private void submit(ChannelHandlerContext ctx, Runnable task) {
            try {
                inFlight = handlerPool.submit(task);
            } catch (RejectedExecutionException e) {
                write(ctx, ApiResponse.text(503, "Service Unavailable\n"), false);
            }
        }

        /**
         * Runs a {@linkplain Handler#loopFirst() loop-first} handler on this event loop. Returns
         * false when the handler handed off without an answer (the caller then runs it on a worker
         * thread); an answer it handed off is streamed from a worker thread.
         */
        private boolean serveLoopFirst(ChannelHandlerContext ctx, ApiRequest request, Router.Route route,
                boolean keepAlive) {
            long started = System.nanoTime();
            ApiResponse response;
            try {
                response = route.handler().handle(request.onEventLoop(true));
            } catch (Handler.HandOff h) {
                ApiResponse computed = h.response();
                if (computed == null) {
                    return false;
                }
                submit(ctx, () -> send(ctx, request, route, computed, keepAlive, started, false));
                return true;
            } catch (Exception | StackOverflowError | OutOfMemoryError e) {
                log.error("msg=\"handler failed\" path={} err=\"{}\"", request.path(), e.toString(), e);
                response = ApiResponse.text(500, "internal server error\n");
            }
            send(ctx, request, route, response, keepAlive, started, true);
            return true;
        }

        /** The client went away: interrupt its running handler, which cancels a running query. */
        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            java.util.concurrent.Future<?> f = inFlight;
            if (f != null) {
                f.cancel(true);
            }
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("msg=\"connection error\" err=\"{}\"", cause.toString());
            ctx.close();
        }
    }

    /**
     * Runs the handler and sends its answer. On a worker thread the answer goes to the event loop
     * as one {@code writeAndFlush} (one task, one wake-up); on the event loop ({@code onLoop}) a
     * streamed body is first collected, since streaming may wait for the client and the loop must
     * never wait.
     */
    private void serve(ChannelHandlerContext ctx, ApiRequest request, Router.Route route, boolean keepAlive,
            boolean onLoop) {
        long started = System.nanoTime();
        ApiResponse response;
        try {
            response = route.handler().handle(request);
            if (onLoop && response.streamed()) {
                response = new ApiResponse(response.status(), response.contentType(), response.headers(),
                        response.body());
            }
        } catch (Exception | StackOverflowError | OutOfMemoryError e) {
            log.error("msg=\"handler failed\" path={} err=\"{}\"", request.path(), e.toString(), e);
            response = ApiResponse.text(500, "internal server error\n");
        }
        send(ctx, request, route, response, keepAlive, started, false);
    }

    /**
     * Sends a handler's answer and tells the observer. A streamed body written on the event loop
     * ({@code onLoop}) never waits for the client: loop-first handlers only answer there when the
     * body is small.
     */
    private void send(ChannelHandlerContext ctx, ApiRequest request, Router.Route route, ApiResponse response,
            boolean keepAlive, long started, boolean onLoop) {
        if (ctx.channel().isActive()) {
            if (response.streamed()) {
                response = stream(ctx, request, response, keepAlive, onLoop);
            } else {
                write(ctx, response, keepAlive);
            }
        }
        observer.observe(route.name(), response.status(), System.nanoTime() - started);
    }

    /**
     * Runs a streamed response's writer straight into the channel's buffers. A writer that fails
     * before anything was sent still gets a 500; after that the connection is cut.
     */
    private static ApiResponse stream(ChannelHandlerContext ctx, ApiRequest request, ApiResponse r, boolean keepAlive,
            boolean onLoop) {
        StreamedBody body = new StreamedBody(ctx, r, keepAlive, onLoop);
        try {
            r.stream().writeTo(body);
            body.finish();
            return r;
        } catch (Exception | StackOverflowError | OutOfMemoryError e) {
            if (e instanceof java.io.IOException) {
                log.debug("msg=\"response streaming stopped\" path={} err=\"{}\"", request.path(), e.toString());
            } else {
                log.error("msg=\"response streaming failed\" path={} err=\"{}\"", request.path(), e.toString(), e);
            }
            if (body.abort()) {
                ApiResponse error = ApiResponse.text(500, "internal server error\n");
                write(ctx, error, false);
                return error;
            }
            return r;
        }
    }

    private static void write(ChannelHandlerContext ctx, ApiResponse r, boolean keepAlive) {
        ByteBuf body = Unpooled.wrappedBuffer(r.body());
        FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(r.status()), body);
        if (r.contentType() != null) {
            resp.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
        }
        for (Map.Entry<String, String> h : r.headers().entrySet()) {
            resp.headers().set(h.getKey(), h.getValue());
        }
        HttpUtil.setContentLength(resp, body.readableBytes());
        if (keepAlive) {
            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            // Nobody waits on the outcome: a failed write surfaces in exceptionCaught, which closes.
            ctx.writeAndFlush(resp, ctx.voidPromise());
        } else {
            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
