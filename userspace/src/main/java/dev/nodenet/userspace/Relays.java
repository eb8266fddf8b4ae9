package dev.nodenet.userspace;

import dev.nodenet.netlink.NetNs;
import dev.nodenet.proxy.ServicePortName;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.epoll.EpollSocketChannelConfig;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The userspace mode's sockets (TCP_NODELAY on every TCP socket: Netty's default on Linux): one epoll event loop group whose threads live in the proxied network namespace (each
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

    /** An open listener: its sockets (one per event loop for TCP), its kernel-picked port and its picker. */
    public record Listener(List<Channel> channels, int port, EndpointPicker picker) {
        void close() {
            for (Channel ch : channels) ch.close().syncUninterruptibly();
        }
    }

    /** Outbound buffering per connection side before we stop reading the other side. */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(128 * 1024, 512 * 1024);

    /**
     * Receive buffers: small for request/response traffic, growing to 256 KiB for bulk flows (Netty's adaptive default
     * stops at 64 KiB), so a bulk relay makes fewer, larger reads and writes.
     */
    static final RecvByteBufAllocator RECV_ALLOCATOR = new AdaptiveRecvByteBufAllocator(64, 2048, 256 * 1024);

    private final EventLoopGroup group;
    private final Options options;
    private final TcpRelay.Connector connector;

    Relays(NetNs netns, Options options) {
        Epoll.ensureAvailability();
        // Netty's default leak detection records a stack trace for a sample of buffers: measurable on a relay's hot
        // path (seen in profiles). Off unless the operator or a test asked for a level explicitly.
        if (System.getProperty("io.netty.leakDetection.level") == null && System.getProperty("io.netty.leakDetectionLevel") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
        this.options = options;
        this.group = new EpollEventLoopGroup(options.eventLoops() == 0 ? Runtime.getRuntime().availableProcessors() : options.eventLoops(), new DefaultThreadFactory("nodenet-userspace", true) {
            @Override
            protected Thread newThread(Runnable r, String name) {
                return super.newThread(() -> {
                    if (netns != null) netns.enterDedicatedThread();
                    r.run();
                }, name);
            }
        });
        // A connection's endpoint channel is built by hand rather than by a Bootstrap clone: no options map copied, no
        // reflective constructor, no resolver lookup per connection (measured: part of the per-connection CPU).
        this.connector = (inbound, endpoint, timeoutMs, handler) -> {
            // on inbound's loop thread, so the socket is in the proxied netns; AF_INET (the mode is IPv4 only): Netty's
            // default dual-stack AF_INET6 socket costs an IPV6_V6ONLY setsockopt and the v4-mapped path in the kernel
            EpollSocketChannel ch = new EpollSocketChannel(InternetProtocolFamily.IPv4);
            EpollSocketChannelConfig c = ch.config();
            c.setAllocator(PooledByteBufAllocator.DEFAULT);
            c.setRecvByteBufAllocator(RECV_ALLOCATOR);
            c.setAllowHalfClosure(true);
            c.setWriteBufferWaterMark(WATER_MARK);
            c.setConnectTimeoutMillis(timeoutMs);
            ch.pipeline().addLast(handler);
            ChannelPromise connected = ch.newPromise();
            connected.addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
            inbound.eventLoop().register(ch).addListener((ChannelFutureListener) r -> {
                if (r.isSuccess()) ch.connect(endpoint, connected);
                else connected.tryFailure(r.cause());
            });
            return connected;
        };
    }

    /**
     * Opens a listener on 0.0.0.0 and a port the kernel picks, inside the namespace. TCP gets one socket per event loop
     * on the same port (SO_REUSEPORT): each loop accepts its own connections and keeps both sides of each on itself,
     * so no connection is handed between threads.
     */
    Listener open(ServicePortName name, RelayStats.Port stats) throws IOException {
        EndpointPicker picker = new EndpointPicker();
        boolean udp = name.protocol().equals("UDP");
        List<EventLoop> loops = new ArrayList<>();
        group.forEach(e -> loops.add((EventLoop) e));
        List<Channel> channels = new ArrayList<>();
        try {
            Channel first = bind(loops.getFirst(), 0, udp, picker, stats);
            channels.add(first);
            int port = ((InetSocketAddress) first.localAddress()).getPort();
            if (!udp) for (EventLoop loop : loops.subList(1, loops.size())) channels.add(bind(loop, port, false, picker, stats));
            return new Listener(List.copyOf(channels), port, picker);
        } catch (IOException | RuntimeException e) {
            for (Channel ch : channels) ch.close();
            throw e;
        }
    }

    /** Binds one socket on {@code loop}, created on that loop's thread so that it lives in the proxied namespace. */
    private Channel bind(EventLoop loop, int port, boolean udp, EndpointPicker picker, RelayStats.Port stats) throws IOException {
        ChannelFuture bound;
        try {
            bound = loop.submit(() -> udp ? udp(loop, picker, stats) : tcp(loop, port, picker, stats)).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IOException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            throw new IOException("binding the listener did not finish: " + e);
        }
        if (!bound.awaitUninterruptibly(10, TimeUnit.SECONDS)) throw new IOException("binding the listener did not finish");
        if (!bound.isSuccess()) throw new IOException("bind failed: " + bound.cause().getMessage(), bound.cause());
        return bound.channel();
    }

    private ChannelFuture tcp(EventLoop loop, int port, EndpointPicker picker, RelayStats.Port stats) {
        return new ServerBootstrap().group(loop, loop).channelFactory(() -> new EpollServerSocketChannel(InternetProtocolFamily.IPv4))
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(EpollChannelOption.SO_REUSEPORT, true)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, RECV_ALLOCATOR)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(TcpRelay.frontend(picker, connector, stats));
                    }
                })
                .bind(new InetSocketAddress("0.0.0.0", port));
    }

    private ChannelFuture udp(EventLoop loop, EndpointPicker picker, RelayStats.Port stats) {
        return new Bootstrap().group(loop).channel(EpollDatagramChannel.class)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .handler(new UdpRelay(picker, stats, options.udpIdleTimeout()))
                .bind(new InetSocketAddress("0.0.0.0", 0));
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
