package dev.nodenet.userspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nodenet.proxy.Metrics;
import dev.nodenet.proxy.ServicePortName;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The relay's connect/failover/relay logic on embedded channels (no sockets). */
class TcpRelayTest {
    static final ServicePortName SVC = new ServicePortName("ns", "web", "http", "TCP");
    final Metrics metrics = new Metrics();
    final RelayStats.Port stats = new RelayStats(metrics).port(SVC);
    final EndpointPicker picker = new EndpointPicker();
    /** Endpoints whose connect fails (refused). */
    Set<InetSocketAddress> down = Set.of();
    final List<InetSocketAddress> attempts = new ArrayList<>();
    final List<Integer> timeouts = new ArrayList<>();
    final List<EmbeddedChannel> outbound = new ArrayList<>();

    /** When set, connects complete only when the test completes this promise. */
    io.netty.channel.ChannelPromise deferred;

    final TcpRelay.Connector connector = (inbound, endpoint, timeoutMs, handler) -> {
        attempts.add(endpoint);
        timeouts.add(timeoutMs);
        if (down.contains(endpoint)) return inbound.newFailedFuture(new ConnectException("refused: " + endpoint));
        EmbeddedChannel out = new EmbeddedChannel(handler);
        outbound.add(out);
        if (deferred != null) return deferred = out.newPromise();
        return out.newSucceededFuture();
    };

    /** A client connection from {@code clientIp} accepted by the listener. */
    EmbeddedChannel accept(String clientIp) {
        InetSocketAddress remote = new InetSocketAddress(InetAddress.ofLiteral(clientIp), 40000);
        EmbeddedChannel in = new EmbeddedChannel() {
            @Override
            protected SocketAddress remoteAddress0() {
                return remote;
            }
        };
        in.config().setAutoRead(false);
        in.pipeline().addLast(TcpRelay.frontend(picker, connector, stats));
        in.pipeline().fireChannelActive();
        return in;
    }

    static ByteBuf text(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }

    static String read(EmbeddedChannel ch) {
        ByteBuf b = ch.readOutbound();
        if (b == null) return null;
        try {
            return b.toString(StandardCharsets.UTF_8);
        } finally {
            b.release();
        }
    }

    @Test
    void relaysBothWaysAndCountsBytes() {
        picker.update(List.of(EndpointPickerTest.A), 0);
        EmbeddedChannel in = accept("192.168.0.1");
        assertEquals(1, outbound.size());
        EmbeddedChannel out = outbound.getFirst();
        assertTrue(in.config().isAutoRead(), "the client side reads once the endpoint is connected");
        in.writeInbound(text("GET / HTTP/1.1\r\n"));
        assertEquals("GET / HTTP/1.1\r\n", read(out));
        out.writeInbound(text("HTTP/1.1 200 OK\r\n"));
        assertEquals("HTTP/1.1 200 OK\r\n", read(in));
        out.close();
        assertFalse(in.isActive(), "the endpoint closing closes the client side");
        in.close();
        assertEquals(16, count("in"));
        assertEquals(17, count("out"));
        assertEquals(1, count("connections"));
    }

    double count(String what) {
        String text = metrics.render();
        String prefix = switch (what) {
            case "connections" -> "kubeproxy_userspace_connections_total{service_port=\"ns/web:http\",protocol=\"TCP\"} ";
            case "failures" -> "kubeproxy_userspace_endpoint_connect_failures_total{service_port=\"ns/web:http\",protocol=\"TCP\"} ";
            case "rejected" -> "kubeproxy_userspace_rejected_total{service_port=\"ns/web:http\",protocol=\"TCP\"} ";
            default -> "kubeproxy_userspace_bytes_total{service_port=\"ns/web:http\",protocol=\"TCP\",direction=\"" + what + "\"} ";
        };
        return text.lines().filter(l -> l.startsWith(prefix)).mapToDouble(l -> Double.parseDouble(l.substring(prefix.length()))).sum();
    }

    @Test
    void whatTheClientSendsWhileWeConnectIsDeliveredAfterwards() {
        picker.update(List.of(EndpointPickerTest.A), 0);
        deferred = new EmbeddedChannel().newPromise();
        EmbeddedChannel in = accept("192.168.0.1");
        in.writeInbound(text("early"));
        in.pipeline().fireUserEventTriggered(io.netty.channel.socket.ChannelInputShutdownEvent.INSTANCE);
        EmbeddedChannel out = outbound.getFirst();
        assertNull(read(out));
        deferred.setSuccess();
        assertEquals("early", read(out), "data read before the endpoint connection was up is not lost");
        assertFalse(out.isActive(), "and the client's FIN follows it");
    }

    @Test
    void roundRobinAcrossConnections() {
        picker.update(List.of(EndpointPickerTest.A, EndpointPickerTest.B), 0);
        for (int i = 0; i < 4; i++) accept("192.168.0.1");
        assertEquals(List.of(EndpointPickerTest.A, EndpointPickerTest.B, EndpointPickerTest.A, EndpointPickerTest.B), attempts);
    }

    @Test
    void clientIpAffinityKeepsAClientOnOneEndpoint() {
        picker.update(List.of(EndpointPickerTest.A, EndpointPickerTest.B, EndpointPickerTest.C), 10800);
        for (int i = 0; i < 3; i++) accept("192.168.0.1");
        accept("192.168.0.2");
        assertEquals(List.of(EndpointPickerTest.A, EndpointPickerTest.A, EndpointPickerTest.A, EndpointPickerTest.B), attempts);
    }

    @Test
    void aFailedConnectMovesOnBeforeTheClientNotices() {
        picker.update(List.of(EndpointPickerTest.A, EndpointPickerTest.B, EndpointPickerTest.C), 0);
        down = Set.of(EndpointPickerTest.A, EndpointPickerTest.B);
        EmbeddedChannel in = accept("192.168.0.1");
        assertEquals(List.of(EndpointPickerTest.A, EndpointPickerTest.B, EndpointPickerTest.C), attempts);
        assertEquals(List.of(250, 500, 1000), timeouts, "escalating connect timeouts");
        assertTrue(in.isActive());
        in.writeInbound(text("hi"));
        assertEquals("hi", read(outbound.getFirst()));
        assertEquals(2, count("failures"));
    }

    @Test
    void noEndpointLeftClosesTheClientAtOnce() {
        picker.update(List.of(EndpointPickerTest.A), 0);
        down = Set.of(EndpointPickerTest.A);
        EmbeddedChannel in = accept("192.168.0.1");
        assertFalse(in.isActive());
        assertNull(read(in));
        assertEquals(1, count("rejected"));
        picker.update(List.of(), 0);
        assertFalse(accept("192.168.0.1").isActive());
        assertEquals(2, count("rejected"));
    }

    @Test
    void backPressureStopsReadingWhileThePeerCannotTakeMore() {
        picker.update(List.of(EndpointPickerTest.A), 0);
        EmbeddedChannel in = accept("192.168.0.1");
        EmbeddedChannel out = outbound.getFirst();
        out.config().setWriteBufferWaterMark(new io.netty.channel.WriteBufferWaterMark(8, 16));
        // an embedded channel "writes" on flush; hold writes back by buffering without flushing through the peer
        out.pipeline().addFirst(new io.netty.channel.ChannelOutboundHandlerAdapter() {
            final List<Object> held = new ArrayList<>();

            @Override
            public void write(io.netty.channel.ChannelHandlerContext ctx, Object msg, io.netty.channel.ChannelPromise promise) {
                ctx.write(msg, promise);
            }

            @Override
            public void flush(io.netty.channel.ChannelHandlerContext ctx) {
                // swallow: the endpoint is "slow", nothing drains
            }
        });
        in.writeInbound(text("0123456789abcdefghij"));
        assertFalse(in.config().isAutoRead(), "client side paused while the endpoint side is over its high water mark");
    }
}
