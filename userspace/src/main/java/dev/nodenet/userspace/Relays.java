package dev.nodenet.userspace;

import dev.nodenet.netlink.NetNs;
import dev.nodenet.proxy.ServicePortName;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The userspace mode's sockets: one epoll event loop group whose threads live in the proxied network namespace (each
 * thread {@code setns}es into it before running, so every socket the relays create — listeners, connections to
 * endpoints, UDP session sockets — belongs to that namespace), and the listeners opened on it.
 * <p>Threading: {@link #open} and {@link #close} from the sync thread; everything else on the event loops.
 */
public final class Relays implements AutoCloseable {
    /**
     * Tuning.
     *
     * @param eventLoops event loop threads (0: one per core)
     * @param udpIdleTimeout how long an idle UDP session lives (--udp-timeout)
     */
    public record Options(int eventLoops, Duration udpIdleTimeout) {
        public Options {
            if (eventLoops < 0) throw new IllegalArgumentException("eventLoops must not be negative");
            if (udpIdleTimeout.isNegative() || udpIdleTimeout.isZero()) throw new IllegalArgumentException("udpIdleTimeout must be positive");
        }
    }

    /** An open listener: its kernel-picked port and the picker its connections use. */
    public record Listener(Channel channel, int port, EndpointPicker picker) {
        void close() {
            channel.close().syncUninterruptibly();
        }
    }

    /** Outbound buffering per connection side before we stop reading the other side. */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(128 * 1024, 512 * 1024);

    private final EventLoopGroup group;
    private final Options options;
    private final TcpRelay.Connector connector;

    Relays(NetNs netns, Options options) {
        Epoll.ensureAvailability();
        this.options = options;
        this.group = new EpollEventLoopGroup(options.eventLoops(), new DefaultThreadFactory("nodenet-userspace", true) {
            @Override
            protected Thread newThread(Runnable r, String name) {
                return super.newThread(() -> {
                    if (netns != null) netns.enterDedicatedThread();
                    r.run();
                }, name);
            }
        });
        Bootstrap template = new Bootstrap().channel(EpollSocketChannel.class)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK);
        this.connector = (inbound, endpoint, timeoutMs, handler) -> template.clone(inbound.eventLoop())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutMs).handler(handler).connect(endpoint);
    }

    /** Opens a listener on 0.0.0.0 and a port the kernel picks, inside the namespace. */
    Listener open(ServicePortName name, RelayStats.Port stats) throws IOException {
        EndpointPicker picker = new EndpointPicker();
        ChannelFuture bound;
        try {
            // the channel (and its socket) is created by the thread calling bind(): run it on an event loop thread,
            // which lives in the proxied namespace
            bound = group.next().submit(() -> name.protocol().equals("UDP") ? udp(picker, stats) : tcp(picker, stats))
                    .get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IOException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            throw new IOException("binding the listener did not finish: " + e);
        }
        if (!bound.awaitUninterruptibly(10, TimeUnit.SECONDS)) throw new IOException("binding the listener did not finish");
        if (!bound.isSuccess()) throw new IOException("bind failed: " + bound.cause().getMessage(), bound.cause());
        Channel ch = bound.channel();
        return new Listener(ch, ((InetSocketAddress) ch.localAddress()).getPort(), picker);
    }

    private ChannelFuture tcp(EndpointPicker picker, RelayStats.Port stats) {
        return new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(TcpRelay.frontend(picker, connector, stats));
                    }
                })
                .bind(new InetSocketAddress("0.0.0.0", 0));
    }

    private ChannelFuture udp(EndpointPicker picker, RelayStats.Port stats) {
        return new Bootstrap().group(group).channel(EpollDatagramChannel.class)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .handler(new UdpRelay(picker, stats, options.udpIdleTimeout()))
                .bind(new InetSocketAddress("0.0.0.0", 0));
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
