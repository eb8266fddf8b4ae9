package dev.nodenet.controlplane.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodenet.controlplane.server.ApiException;
import dev.nodenet.controlplane.server.ResourceType;
import dev.nodenet.controlplane.storage.Store;
import dev.nodenet.controlplane.storage.StoreException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Drives a {@link ServiceStrategy} over a real store in the order the registry does once the beginWrite hook is wired:
 * server metadata, prepare, validate, beginWrite, store write, then the outcome callback; afterDelete after a delete.
 */
final class Harness {
    static final ResourceType SVC = ResourceType.byKind("Service");
    static final ObjectMapper MAPPER = new ObjectMapper();

    final Store store;
    final ServiceStrategy strategy;

    Harness(Store store, ServiceNetworkConfig config) {
        this(store, config, Clock.systemUTC());
    }

    Harness(Store store, ServiceNetworkConfig config, Clock clock) {
        this.store = store;
        this.strategy = new ServiceStrategy(store, config, clock);
    }

    /** JSON with single quotes for readability in tests. */
    static ObjectNode json(String singleQuoted) {
        try {
            return (ObjectNode) MAPPER.readTree(singleQuoted.replace('\'', '"'));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A Service named {@code name} in namespace default with the given spec JSON. */
    static ObjectNode service(String name, String specJson) {
        return json("{'metadata':{'name':'" + name + "','namespace':'default'},'spec':" + specJson + "}");
    }

    ObjectNode create(ObjectNode svc) {
        return create(svc, false);
    }

    ObjectNode create(ObjectNode svc, boolean dryRun) {
        ObjectNode meta = (ObjectNode) svc.get("metadata");
        meta.put("uid", UUID.randomUUID().toString());
        strategy.prepareForCreate(svc);
        List<ApiException.Cause> causes = strategy.validate(svc, null);
        if (!causes.isEmpty()) throw ApiException.invalid(SVC, meta.path("name").asText(), causes);
        Consumer<Boolean> finish = strategy.beginWrite(svc, null, dryRun);
        if (dryRun) {
            finish.accept(false);
            return svc;
        }
        boolean written = false;
        try {
            store.create(key(svc), bytes(svc));
            written = true;
        } catch (StoreException.AlreadyExists e) {
            throw ApiException.alreadyExists(SVC, meta.path("name").asText());
        } finally {
            finish.accept(written);
        }
        return svc;
    }

    /** Replaces the stored Service with {@code svc} (a PUT without resourceVersion). */
    ObjectNode update(ObjectNode svc) {
        String key = key(svc);
        Store.Entry current = store.get(key).orElseThrow();
        ObjectNode old = decode(current.value());
        ((ObjectNode) svc.get("metadata")).set("uid", old.path("metadata").get("uid"));
        strategy.prepareForUpdate(svc, old);
        List<ApiException.Cause> causes = strategy.validate(svc, old);
        if (!causes.isEmpty()) throw ApiException.invalid(SVC, svc.path("metadata").path("name").asText(), causes);
        Consumer<Boolean> finish = strategy.beginWrite(svc, old, false);
        boolean written = false;
        try {
            store.update(key, bytes(svc), current.modRevision());
            written = true;
        } finally {
            finish.accept(written);
        }
        return svc;
    }

    void delete(String name) {
        Store.Entry deleted = store.delete(SVC.key("default", name), 0);
        strategy.afterDelete(decode(deleted.value()));
    }

    ObjectNode get(String name) {
        return decode(store.get(SVC.key("default", name)).orElseThrow().value());
    }

    static String key(ObjectNode svc) {
        return SVC.key("default", svc.path("metadata").path("name").asText());
    }

    static byte[] bytes(ObjectNode o) {
        try {
            return MAPPER.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode decode(byte[] b) {
        try {
            return (ObjectNode) MAPPER.readTree(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Keys of all allocation records. */
    List<String> recordKeys() {
        return store.list(AllocationRecords.ROOT).entries().stream().map(Store.Entry::key).toList();
    }
}
