package dev.nodenet.cni;

import java.util.List;
import java.util.Set;

/**
 * Address management for one network: the built-in host-local-compatible store ({@link HostLocalIpam}) or a
 * delegated plugin executable ({@link DelegatedIpam}). Called on the command's thread only.
 */
interface Ipam {
    /** Reserves (or returns the existing reservation of) addresses for the attachment; result has no interfaces. */
    CniResult add(CniEnv env);

    /** Releases the attachment's addresses; succeeds when there are none. */
    void del(CniEnv env);

    /** Throws {@link CniException} {@link CniException#CHECK_FAILED} if {@code expected} is not reserved for it. */
    void check(CniEnv env, CniResult expected);

    /**
     * Releases every reservation not in {@code valid}; returns the attachments released (empty if unknown, as for a
     * delegated plugin). Throws after doing as much as possible if something could not be released.
     */
    List<NetConf.Attachment> gc(CniEnv env, Set<NetConf.Attachment> valid);

    /** Throws {@link CniException} code 50 if an ADD could not be served now. */
    void status(CniEnv env);
}
