package dev.sextant.api.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The body of a streamed {@link ApiResponse}: an {@link OutputStream} over buffers from the
 * channel's allocator. A body that fits in one {@value #CHUNK}-byte buffer goes out as one full
 * response with a {@code Content-Length}; a larger one as HTTP/1.1 chunked transfer, each buffer
 * handed to the channel as soon as it fills. While the channel is not writable (the client reads
 * slower than we encode) the writer waits for the last chunk to be flushed, so at most a few
 * chunks per connection are ever in memory. {@code HttpContentCompressor} further down the
 * pipeline gzips either form when the client accepts it.
 *
 * <p>Lifecycle: written by one handler thread, then exactly one of {@link #finish()} or {@link
 * #abort()}. Ownership: each filled buffer passes to Netty with its write; the partly filled one
 * is released by {@link #abort()}.
 */
final class StreamedBody extends OutputStream {
    static final int CHUNK = 64 * 1024;
    /** A client that takes no bytes for this long loses its connection and frees the handler thread. */
    static final int STALLED_CLIENT_SECONDS = 60;

    private final ChannelHandlerContext ctx;
    private final ApiResponse response;
    private final boolean keepAlive;
    private ByteBuf buf;
    private boolean headSent;
    private ChannelFuture lastWrite;

    /** Written on the event loop: never wait for the client (the answer is known to be small). */
    private final boolean onLoop;

    StreamedBody(ChannelHandlerContext ctx, ApiResponse response, boolean keepAlive, boolean onLoop) {
        this.onLoop = onLoop;
        this.ctx = ctx;
        this.response = response;
        this.keepAlive = keepAlive;
    }

    @Override
    public void write(int b) throws IOException {
        if (buf == null || !buf.isWritable()) {
            next();
        }
        buf.writeByte(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (buf == null || !buf.isWritable()) {
                next();
            }
            int n = Math.min(len, buf.writableBytes());
            buf.writeBytes(b, off, n);
            off += n;
            len -= n;
        }
    }

    /** Hands the full buffer (if any) to the channel and starts a new one. */
    private void next() throws IOException {
        if (buf != null) {
            if (!ctx.channel().isActive()) {
                throw new IOException("client closed the connection");
            }
            if (!headSent) {
                HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1,
                        HttpResponseStatus.valueOf(response.status()));
                headers(head);
                HttpUtil.setTransferEncodingChunked(head, true);
                ctx.write(head);
                headSent = true;
            }
            ByteBuf full = buf;
            buf = null;
            lastWrite = ctx.writeAndFlush(new DefaultHttpContent(full));
            if (!onLoop && !ctx.channel().isWritable()) {
                try {
                    if (!lastWrite.await(STALLED_CLIENT_SECONDS, TimeUnit.SECONDS)) {
                        throw new IOException("client read nothing for " + STALLED_CLIENT_SECONDS + "s");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("response streaming interrupted");
                }
            }
        }
        buf = ctx.alloc().buffer(CHUNK, CHUNK);
    }

    /** Sends what is left and ends the response. */
    void finish() {
        ByteBuf rest = buf != null ? buf : ctx.alloc().buffer(0);
        buf = null;
        ChannelFuture done;
        if (!headSent) {
            FullHttpResponse full = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.valueOf(response.status()), rest);
            headers(full);
            HttpUtil.setContentLength(full, rest.readableBytes());
            done = ctx.writeAndFlush(full);
        } else {
            done = ctx.writeAndFlush(new DefaultLastHttpContent(rest));
        }
        if (!keepAlive) {
            done.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /**
     * Gives up: frees the current buffer. Once the head is on the wire no error can be sent any
     * more, so the connection is closed and the client sees a truncated body.
     * @return true when nothing was sent yet, so the caller may still answer with an error
     */
    boolean abort() {
        if (buf != null) {
            buf.release();
            buf = null;
        }
        if (headSent) {
            ctx.close();
            return false;
        }
        return true;
    }

    private void headers(HttpResponse r) {
        if (response.contentType() != null) {
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, response.contentType());
        }
        for (Map.Entry<String, String> h : response.headers().entrySet()) {
            r.headers().set(h.getKey(), h.getValue());
        }
        r.headers().set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
    }
}
