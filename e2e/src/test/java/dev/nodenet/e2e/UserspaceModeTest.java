package dev.nodenet.e2e;

/**
 * The end-to-end scenarios in userspace mode. The relay connects to endpoints from the node's own sockets, so the two
 * checks of the client's source address (pod to pod through a ClusterIP, eTP Local) are left out for this mode; the
 * rest of those scenarios (which endpoints answer, health checks) still runs. Its relay lives in the daemon, so while
 * the daemon restarts its Services do not answer; the restart scenario checks that they come back.
 */
class UserspaceModeTest extends ModeSuite {
    @Override
    String mode() {
        return "userspace";
    }

    @Override
    boolean keepsClientAddress() {
        return false;
    }

    @Override
    boolean dataPathOutlivesTheDaemon() {
        return false;
    }
}
