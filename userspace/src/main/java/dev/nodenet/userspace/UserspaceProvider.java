package dev.nodenet.userspace;

import dev.nodenet.proxy.Backend;
import dev.nodenet.proxy.BackendContext;
import dev.nodenet.proxy.BackendProvider;

/** Registers the userspace mode with the proxy core (see META-INF/services). */
public final class UserspaceProvider implements BackendProvider {
    @Override
    public String mode() {
        return "userspace";
    }

    @Override
    public Backend create(BackendContext context) {
        return new UserspaceBackend(context.config(), context.metrics(), context.netns(),
                new Relays.Options(0, context.config().udpIdleTimeout()));
    }
}
