package dev.nodenet.userspace;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The UDP side of the userspace proxy: one session per client address (source IP and port), each with its own socket
 * connected to the endpoint picked for that client. Datagrams from the client go out through the session's socket;
 * replies come back through the <em>listener</em> socket, so the kernel's conntrack entry for the REDIRECT un-NATs
 * them and the client sees them come from the Service address it sent to. A session ends after {@code idleTimeout}
 * without traffic either way (kube-proxy's {@code --udp-timeout}); a session whose endpoint left the Service is
 * replaced on the client's next datagram; an endpoint that answers with ICMP port unreachable ends the session, and
 * the next datagram picks another endpoint.
 * <p>Threading: the listener channel and all its session channels live on one event loop; the session map is touched
 * only there.
 */
final class UdpRelay extends SimpleChannelInboundHandler<DatagramPacket> {
    private final EndpointPicker picker;
    private final RelayStats.Port stats;
    private final long idleNanos;
    private final Map<InetSocketAddress, Session> sessions = new HashMap<>();
    private Channel listener;
    private ScheduledFuture<?> expiry;

    UdpRelay(EndpointPicker picker, RelayStats.Port stats, Duration idleTimeout) {
        this.picker = picker;
        this.stats = stats;
        this.idleNanos = idleTimeout.toNanos();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        listener = ctx.channel();
        long periodMs = Math.max(10, TimeUnit.NANOSECONDS.toMillis(idleNanos) / 2);
        expiry = ctx.executor().scheduleAtFixedRate(this::expire, periodMs, periodMs, TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        InetSocketAddress client = packet.sender();
        Session s = sessions.get(client);
        if (s != null && !picker.contains(s.endpoint)) {
            s.close(); // endpoint went away (or refused): start over with a fresh pick
            s = null;
        }
        if (s == null) {
            s = open(ctx, client);
            if (s == null) {
                stats.rejected();
                return;
            }
        }
        s.lastActiveNanos = System.nanoTime();
        s.bytesIn += packet.content().readableBytes();
        s.send(packet.content().retain());
    }

    private Session open(ChannelHandlerContext ctx, InetSocketAddress client) {
        InetSocketAddress endpoint = picker.pick(client.getAddress(), List.of());
        if (endpoint == null) return null;
        Session s = new Session(client, endpoint);
        Bootstrap b = new Bootstrap().group(ctx.channel().eventLoop()).channel(EpollDatagramChannel.class)
                .option(ChannelOption.ALLOCATOR, ctx.alloc())
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext c, DatagramPacket reply) {
                        s.lastActiveNanos = System.nanoTime();
                        s.bytesOut += reply.content().readableBytes();
                        listener.writeAndFlush(new DatagramPacket(reply.content().retain(), client), listener.voidPromise());
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
                        // ECONNREFUSED from an ICMP port unreachable: this endpoint is not serving
                        stats.connectFailure();
                        picker.failed(client.getAddress(), endpoint);
                        s.close();
                    }
                });
        // on the event loop a UDP connect may complete inside connect(): the listener must not rely on the return value
        s.channel = b.connect(endpoint).addListener((ChannelFutureListener) f -> {
            s.channel = f.channel();
            s.connected = true;
            if (!f.isSuccess()) {
                stats.connectFailure();
                s.close();
                return;
            }
            s.flushPending();
        }).channel();
        sessions.put(client, s);
        stats.connection();
        return s;
    }

    private void expire() {
        long now = System.nanoTime();
        sessions.values().removeIf(s -> {
            if (now - s.lastActiveNanos < idleNanos) return false;
            s.closeChannel();
            return true;
        });
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (expiry != null) expiry.cancel(false);
        sessions.values().forEach(Session::closeChannel);
        sessions.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // a send to a client failed (e.g. ICMP from the client's side): nothing to do for the listener itself
    }

    int sessionCount() {
        return sessions.size();
    }

    /** One client's session. Event-loop confined. */
    private final class Session {
        final InetSocketAddress client, endpoint;
        Channel channel;
        boolean connected, closed;
        long lastActiveNanos = System.nanoTime(), bytesIn, bytesOut;
        /** Datagrams that arrived before the connect completed (it completes at once for UDP, but asynchronously). */
        ArrayDeque<ByteBuf> pending;

        Session(InetSocketAddress client, InetSocketAddress endpoint) {
            this.client = client;
            this.endpoint = endpoint;
        }

        void send(ByteBuf data) {
            if (closed) {
                data.release();
            } else if (!connected) {
                if (pending == null) pending = new ArrayDeque<>(2);
                pending.add(data);
            } else {
                channel.writeAndFlush(data, channel.voidPromise());
            }
        }

        void flushPending() {
            if (pending == null) return;
            for (ByteBuf b; (b = pending.poll()) != null; ) channel.write(b, channel.voidPromise());
            channel.flush();
        }

        /** Ends the session and forgets it. */
        void close() {
            sessions.remove(client, this);
            closeChannel();
        }

        void closeChannel() {
            if (closed) return;
            closed = true;
            if (pending != null) pending.forEach(ByteBuf::release);
            stats.bytes(bytesIn, bytesOut);
            if (channel != null) channel.close();
        }
    }
}
