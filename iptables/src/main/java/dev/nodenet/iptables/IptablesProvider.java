package dev.nodenet.iptables;

import dev.nodenet.proxy.Backend;
import dev.nodenet.proxy.BackendContext;
import dev.nodenet.proxy.BackendException;
import dev.nodenet.proxy.BackendProvider;

/** Registers the iptables mode with the proxy core (see META-INF/services). */
public final class IptablesProvider implements BackendProvider {
    @Override
    public String mode() {
        return "iptables";
    }

    @Override
    public Backend create(BackendContext context) throws BackendException {
        return IptablesBackend.create(context);
    }
}
