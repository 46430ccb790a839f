package dev.sextant.api.http.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-request handler on an {@link EmbeddedChannel}: what passes, what is answered, and that rejected bodies are released. */
class WebSecurityHandlerTest {
    @TempDir
    Path dir;

    private EmbeddedChannel channel(String yaml, BasicAuthenticator auth) throws Exception {
        Path f = dir.resolve("web.yml");
        Files.writeString(f, yaml);
        return new EmbeddedChannel(new WebSecurityHandler(new WebConfigSource(f), auth, null));
    }

    @Test
    void aRejectedRequestIsAnsweredAndItsBodyReleasedWithoutReachingTheNextHandler() throws Exception {
        try (BasicAuthenticator auth = new BasicAuthenticator()) {
            EmbeddedChannel ch = channel("basic_auth_users:\n  alice: " + Bcrypt.hash("pw", 4) + "\n"
                    + "http_server_config:\n  headers:\n    X-Content-Type-Options: nosniff\n", auth);
            HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/api/v1/write");
            req.headers().set(HttpHeaderNames.CONTENT_LENGTH, 6);
            ByteBuf part1 = Unpooled.copiedBuffer("abc", StandardCharsets.US_ASCII);
            ByteBuf part2 = Unpooled.copiedBuffer("def", StandardCharsets.US_ASCII);
            ch.writeInbound(req, new DefaultHttpContent(part1), new DefaultLastHttpContent(part2));
            assertThat((Object) ch.readInbound()).as("nothing reaches the aggregator").isNull();
            assertThat(part1.refCnt()).isZero();
            assertThat(part2.refCnt()).isZero();
            FullHttpResponse resp = ch.readOutbound();
            assertThat(resp.status()).isEqualTo(HttpResponseStatus.UNAUTHORIZED);
            assertThat(resp.headers().get(HttpHeaderNames.WWW_AUTHENTICATE)).isEqualTo("Basic");
            assertThat(resp.headers().get("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(resp.headers().get(HttpHeaderNames.CONNECTION)).as("a body was coming: close").isEqualToIgnoringCase("close");
            resp.release();
            assertThat(ch.isOpen()).isFalse();
            assertThat(auth.bcryptRuns()).as("no credentials: no bcrypt").isZero();
        }
    }

    @Test
    void aCachedGoodCredentialPassesAndResponsesGetTheConfiguredHeaders() throws Exception {
        String hash = Bcrypt.hash("pw", 4);
        try (BasicAuthenticator auth = new BasicAuthenticator()) {
            assertThat(auth.verifyNow(Map.of("alice", hash), new BasicAuthenticator.Credentials("alice", "pw"))).isTrue();
            EmbeddedChannel ch = channel("basic_auth_users:\n  alice: " + hash + "\n"
                    + "http_server_config:\n  headers:\n    X-Frame-Options: deny\n", auth);
            HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/ping");
            req.headers().set(HttpHeaderNames.AUTHORIZATION,
                    "Basic " + Base64.getEncoder().encodeToString("alice:pw".getBytes(StandardCharsets.UTF_8)));
            ch.writeInbound(req, LastHttpContent.EMPTY_LAST_CONTENT);
            assertThat((Object) ch.readInbound()).isSameAs(req);
            assertThat((Object) ch.readInbound()).isSameAs(LastHttpContent.EMPTY_LAST_CONTENT);
            ch.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
            FullHttpResponse resp = ch.readOutbound();
            assertThat(resp.headers().get("X-Frame-Options")).isEqualTo("deny");
            resp.release();
            assertThat(ch.finish()).isFalse();
        }
    }
}
