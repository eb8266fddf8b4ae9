package dev.nodenet.userspace;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.unix.Socket;
import io.netty.channel.unix.UnixChannel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The TCP side of the userspace proxy: for each accepted client connection, picks an endpoint, connects (moving on to
 * the next endpoint when a connect fails, before the client sees anything), then relays bytes both ways.
 * <ul>
 *   <li>Back-pressure: a side reads only while the other side's outbound buffer is below its high water mark
 *       (autoRead off when the peer becomes unwritable, on again when it drains), so a slow side never makes us buffer
 *       without bound.</li>
 *   <li>Half-close: when one side shuts its output (FIN), we flush what we have and shut the other side's output;
 *       the connection ends when both directions have ended.</li>
 *   <li>No endpoint left: the client is reset (RST) at once.</li>
 * </ul>
 * <p>Threading: every handler runs on the event loop of the accepted channel; the outbound channel is registered on
 * the same loop, so a connection's two channels never need locking.
 */
final class TcpRelay {
    /** Per-attempt connect timeouts, escalating like kube-proxy's userspace EndpointDialTimeouts. */
    static final int[] CONNECT_TIMEOUTS_MS = {250, 500, 1000, 2000};

    /** Opens the connection to an endpoint; the epoll transport in production, embedded channels in unit tests. */
    interface Connector {
        /**
         * Starts connecting to {@code endpoint} on {@code inbound}'s event loop with {@code handler} as the outbound
         * channel's only handler (which relays to the client from the first byte, so the channel may read at once).
         */
        ChannelFuture connect(Channel inbound, InetSocketAddress endpoint, int timeoutMs, ChannelHandler handler);
    }

    private TcpRelay() {
    }

    /** The handler of an accepted client channel (which must start with autoRead off). */
    static ChannelHandler frontend(EndpointPicker picker, Connector connector, RelayStats.Port stats) {
        return new Frontend(picker, connector, stats);
    }

    private static final class Frontend extends ChannelInboundHandlerAdapter {
        private final EndpointPicker picker;
        private final Connector connector;
        private final RelayStats.Port stats;
        private final List<InetSocketAddress> tried = new ArrayList<>(2);
        /**
         * What the client sent before the endpoint connection was up. autoRead is off, but epoll still reads when the
         * client half-closes (EPOLLRDHUP) so that no data is lost; we replay it, and the FIN, once connected.
         */
        private final List<Object> early = new ArrayList<>(1);
        private boolean earlyInputShutdown;

        Frontend(EndpointPicker picker, Connector connector, RelayStats.Port stats) {
            this.picker = picker;
            this.connector = connector;
            this.stats = stats;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            stats.connection();
            connectNext(ctx.channel());
        }

        private void connectNext(Channel inbound) {
            InetAddress client = ((InetSocketAddress) inbound.remoteAddress()).getAddress();
            InetSocketAddress endpoint = picker.pick(client, tried);
            if (endpoint == null) {
                stats.rejected();
                reset(inbound);
                return;
            }
            int timeoutMs = CONNECT_TIMEOUTS_MS[Math.min(tried.size(), CONNECT_TIMEOUTS_MS.length - 1)];
            Relay back = new Relay(inbound, stats, false);
            connector.connect(inbound, endpoint, timeoutMs, back).addListener((ChannelFutureListener) f -> {
                if (!inbound.isActive()) { // the client gave up while we were connecting
                    f.channel().close();
                    return;
                }
                if (!f.isSuccess()) {
                    stats.connectFailure();
                    picker.failed(client, endpoint);
                    tried.add(endpoint);
                    connectNext(inbound);
                    return;
                }
                Channel outbound = f.channel();
                inbound.pipeline().replace(this, "relay", new Relay(outbound, stats, true));
                if (!early.isEmpty()) {
                    early.forEach(inbound.pipeline()::fireChannelRead);
                    early.clear();
                    inbound.pipeline().fireChannelReadComplete();
                }
                if (earlyInputShutdown) inbound.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
                inbound.config().setAutoRead(true);
            });
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            early.add(msg);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == ChannelInputShutdownEvent.INSTANCE) earlyInputShutdown = true;
            else ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            early.forEach(io.netty.util.ReferenceCountUtil::release);
            early.clear();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Closes {@code ch} with an RST instead of a FIN (SO_LINGER 0), as a refused connection would look. */
    static void reset(Channel ch) {
        try {
            ch.config().setOption(ChannelOption.SO_LINGER, 0);
        } catch (RuntimeException ignored) {
            // not a socket (embedded channel in tests): a plain close
        }
        ch.close();
    }

    /** Relays what one side reads to {@code peer}; installed on both channels of a connection. */
    static final class Relay extends ChannelInboundHandlerAdapter {
        private final Channel peer;
        private final RelayStats.Port stats;
        private final boolean clientSide;
        private long bytesRead;

        Relay(Channel peer, RelayStats.Port stats, boolean clientSide) {
            this.peer = peer;
            this.stats = stats;
            this.clientSide = clientSide;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            bytesRead += ((ByteBuf) msg).readableBytes();
            peer.write(msg, peer.voidPromise());
            if (!peer.isWritable()) {
                peer.flush();
                if (!peer.isWritable()) ctx.channel().config().setAutoRead(false); // peer drains: resumed on writability
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            peer.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            // our outbound buffer drained below the low water mark: the peer may read again
            if (ctx.channel().isWritable()) peer.config().setAutoRead(true);
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt != ChannelInputShutdownEvent.INSTANCE) {
                ctx.fireUserEventTriggered(evt);
                return;
            }
            Channel self = ctx.channel();
            // our side sent FIN: pass it on after everything it sent before, then end when both directions ended
            peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f -> {
                if (!(peer instanceof DuplexChannel d) || !(self instanceof DuplexChannel s) || !f.isSuccess()
                        || d.isInputShutdown() || !d.isActive()) {
                    closeBoth(self);
                    return;
                }
                shutdownOutput(d, s);
            });
        }

        /**
         * Sends FIN on {@code ch} once its outbound buffer is empty (we only get here after a successful flush). On an
         * epoll socket this calls shutdown(2) directly: Netty's {@code shutdownOutput()} builds an exception with a
         * full stack trace on every call (to fail writes that could still be queued), measured as a visible share of
         * the CPU per connection. Half-closure is then switched off on {@code ch}: when its input ends too, Netty
         * closes it at once instead of calling shutdown(SHUT_RD) on a socket the kernel already closed (another
         * stack-traced exception per connection); its {@link #channelInactive} closes the peer.
         */
        private void shutdownOutput(DuplexChannel ch, DuplexChannel self) {
            if (ch instanceof UnixChannel u && u.fd() instanceof Socket socket) {
                try {
                    ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, false);
                    socket.shutdown(false, true);
                } catch (IOException e) {
                    closeBoth(self);
                }
                return;
            }
            ch.shutdownOutput().addListener(x -> {
                if (self.isOutputShutdown() && ch.isInputShutdown()) closeBoth(self);
            });
        }

        private void closeBoth(Channel self) {
            self.close();
            peer.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (clientSide) stats.bytes(bytesRead, 0);
            else stats.bytes(0, bytesRead);
            // deliver what is queued, then close
            if (peer.isActive()) peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // e.g. a reset from one side: reset the other too, so neither waits for data that will never come
            reset(peer);
            ctx.close();
        }
    }
}
