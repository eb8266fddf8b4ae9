package dev.nodenet.controlplane.server;

import dev.nodenet.controlplane.schema.KubeSchemas;
import dev.nodenet.controlplane.schema.OpenApiV3;
import dev.nodenet.controlplane.schema.ResourceInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The /openapi/v3 documents of the served resources, built once at start-up. Immutable and thread-safe. */
final class OpenApi {
    private final OpenApiV3 v3;

    OpenApi(List<ResourceType> types) {
        List<ResourceInfo> infos = new ArrayList<>();
        for (ResourceType t : types) {
            infos.add(new ResourceInfo(t.group(), t.version(), t.kind(), t.plural(), t.namespaced(), t.subresources(), ResourceType.VERBS));
        }
        v3 = new OpenApiV3(KubeSchemas.catalog(), infos, ApiServer.KUBERNETES_VERSION);
    }

    byte[] root() { return v3.rootBytes(); }

    Optional<byte[]> document(String groupVersionPath) { return v3.documentBytes(groupVersionPath); }

    Optional<String> hash(String groupVersionPath) { return v3.hash(groupVersionPath); }
}
