package dev.sextant.api.http.security;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * First handler on a TLS port: looks at the first bytes of a connection. A TLS handshake record
 * (content type 22) passes on to the TLS handler. Plain HTTP gets Go's answer,
 * {@code 400 Client sent an HTTP request to an HTTPS server.}, and the connection closes; anything
 * else is closed at once. So a plain-HTTP client fails fast instead of waiting for a handshake.
 * One per connection; removes itself after the first decision.
 */
final class TlsPortGuard extends ByteToMessageDecoder {
    private static final byte TLS_HANDSHAKE = 22;
    private static final byte[] ANSWER = ("HTTP/1.0 400 Bad Request\r\n\r\n"
            + "Client sent an HTTP request to an HTTPS server.\n").getBytes(StandardCharsets.US_ASCII);

    private boolean answered;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (answered) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (!in.isReadable()) {
            return;
        }
        if (in.getByte(in.readerIndex()) == TLS_HANDSHAKE) {
            ctx.pipeline().remove(this); // hands the buffered bytes on to the TLS handler
            return;
        }
        if (in.readableBytes() < 5) {
            byte b = in.getByte(in.readerIndex());
            if (b < 'A' || b > 'Z') {
                close(ctx, in);
            }
            return; // wait for enough of a request line
        }
        String start = in.toString(in.readerIndex(), 5, StandardCharsets.US_ASCII);
        boolean http = switch (start) {
            case "GET /", "HEAD ", "POST ", "PUT /", "OPTIO", "DELET", "PATCH", "CONNE", "TRACE" -> true;
            default -> false;
        };
        answered = true;
        if (http) {
            in.skipBytes(in.readableBytes());
            ctx.writeAndFlush(Unpooled.wrappedBuffer(ANSWER)).addListener(ChannelFutureListener.CLOSE);
        } else {
            close(ctx, in);
        }
    }

    private void close(ChannelHandlerContext ctx, ByteBuf in) {
        answered = true;
        in.skipBytes(in.readableBytes());
        ctx.close();
    }
}
