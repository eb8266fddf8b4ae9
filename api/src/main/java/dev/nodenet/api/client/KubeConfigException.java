package dev.nodenet.api.client;

/** A kubeconfig or in-cluster configuration that cannot be used; the message names the file and the field. */
public final class KubeConfigException extends RuntimeException {
    public KubeConfigException(String message) {
        super(message);
    }

    public KubeConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
