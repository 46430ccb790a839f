package dev.sextant.api.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The streamed response body over a channel without sockets: one full response or chunks, and no leaked buffers. */
class StreamedBodyTest {
    private final EmbeddedChannel ch = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
    private final ChannelHandlerContext ctx = ch.pipeline().firstContext();
    private final ApiResponse json = ApiResponse.jsonStream(200, out -> { });

    @Test
    void smallBodyIsOneFullResponseWithContentLength() throws IOException {
        StreamedBody body = new StreamedBody(ctx, json, true, false);
        body.write("{\"status\":\"success\"}".getBytes(StandardCharsets.UTF_8));
        body.finish();
        FullHttpResponse r = ch.readOutbound();
        try {
            assertThat(r.status().code()).isEqualTo(200);
            assertThat(r.headers().get(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo("20");
            assertThat(r.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo(ApiResponse.JSON);
            assertThat(r.content().toString(StandardCharsets.UTF_8)).isEqualTo("{\"status\":\"success\"}");
        } finally {
            r.release();
        }
        assertThat((Object) ch.readOutbound()).isNull();
    }

    @Test
    void largeBodyGoesOutAsChunksInOrder() throws IOException {
        byte[] payload = new byte[StreamedBody.CHUNK * 3 + 123];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) ('a' + i % 26);
        }
        StreamedBody body = new StreamedBody(ctx, json, false, false);
        body.write(payload, 0, 1000);
        body.write(payload[1000]);
        body.write(payload, 1001, payload.length - 1001);
        body.finish();
        HttpResponse head = ch.readOutbound();
        assertThat(head).isNotInstanceOf(FullHttpResponse.class);
        assertThat(head.headers().get(HttpHeaderNames.TRANSFER_ENCODING)).isEqualTo("chunked");
        assertThat(head.headers().get(HttpHeaderNames.CONNECTION)).isEqualTo("close");
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        int chunks = 0;
        while (true) {
            HttpContent c = ch.readOutbound();
            ByteBuf b = c.content();
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            got.write(bytes);
            chunks++;
            boolean last = c instanceof LastHttpContent;
            ReferenceCountUtil.release(c);
            if (last) {
                break;
            }
        }
        assertThat(chunks).isEqualTo(4);
        assertThat(Arrays.equals(got.toByteArray(), payload)).isTrue();
    }

    @Test
    void aClosedClientStopsTheWriterAndNothingLeaks() throws IOException {
        StreamedBody body = new StreamedBody(ctx, json, true, false);
        body.write(new byte[StreamedBody.CHUNK]);
        ch.close();
        assertThatThrownBy(() -> body.write(new byte[10])).isInstanceOf(IOException.class);
        assertThat(body.abort()).isTrue();
    }
}
