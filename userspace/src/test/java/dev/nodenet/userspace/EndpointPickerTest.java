package dev.nodenet.userspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class EndpointPickerTest {
    static final InetSocketAddress A = ep("10.0.0.1"), B = ep("10.0.0.2"), C = ep("10.0.0.3");
    static final InetAddress CLIENT1 = InetAddress.ofLiteral("192.168.0.1"), CLIENT2 = InetAddress.ofLiteral("192.168.0.2");

    static InetSocketAddress ep(String ip) {
        return new InetSocketAddress(InetAddress.ofLiteral(ip), 8080);
    }

    @Test
    void roundRobinVisitsEveryEndpointInTurn() {
        EndpointPicker p = new EndpointPicker();
        p.update(List.of(A, B, C), 0);
        List<InetSocketAddress> got = new ArrayList<>();
        for (int i = 0; i < 6; i++) got.add(p.pick(CLIENT1, List.of()));
        assertEquals(List.of(A, B, C, A, B, C), got);
    }

    @Test
    void noEndpointsGivesNull() {
        EndpointPicker p = new EndpointPicker();
        assertNull(p.pick(CLIENT1, List.of()));
        p.update(List.of(A), 0);
        assertNull(p.pick(CLIENT1, List.of(A)), "every endpoint already failed for this connection");
    }

    @Test
    void failoverSkipsEndpointsThatFailed() {
        EndpointPicker p = new EndpointPicker();
        p.update(List.of(A, B, C), 0);
        assertEquals(A, p.pick(CLIENT1, List.of()));
        assertEquals(C, p.pick(CLIENT1, List.of(B)), "B failed for this connection: the next one is C");
        assertEquals(B, p.pick(CLIENT1, List.of(A, C)));
    }

    @Test
    void clientIpAffinitySticksUntilTheTimeoutThenRoundRobinResumes() {
        AtomicLong now = new AtomicLong(1_000);
        EndpointPicker p = new EndpointPicker(now::get);
        p.update(List.of(A, B, C), 10);
        InetSocketAddress first = p.pick(CLIENT1, List.of());
        for (int i = 0; i < 5; i++) {
            now.addAndGet(TimeUnit.SECONDS.toNanos(9)); // each use refreshes the timer
            assertEquals(first, p.pick(CLIENT1, List.of()));
        }
        assertNotEquals(first, p.pick(CLIENT2, List.of()), "another client gets the next endpoint");
        now.addAndGet(TimeUnit.SECONDS.toNanos(11));
        p.expireAffinity();
        assertNotEquals(first, p.pick(CLIENT1, List.of()), "after the timeout the client is balanced again");
    }

    @Test
    void affinityMovesOnWhenItsEndpointFailsOrLeaves() {
        EndpointPicker p = new EndpointPicker(() -> 0);
        p.update(List.of(A, B), 60);
        assertEquals(A, p.pick(CLIENT1, List.of()));
        p.failed(CLIENT1, A);
        InetSocketAddress second = p.pick(CLIENT1, List.of(A));
        assertEquals(B, second);
        assertEquals(B, p.pick(CLIENT1, List.of()), "the new endpoint sticks");
        p.update(List.of(A, C), 60);
        InetSocketAddress third = p.pick(CLIENT1, List.of());
        assertNotEquals(B, third, "B left the Service");
        p.update(List.of(A, C, B), 60);
        assertEquals(third, p.pick(CLIENT1, List.of()), "affinity to an endpoint that stays survives an update");
    }
}
