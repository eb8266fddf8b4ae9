package dev.nodenet.controlplane.storage;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The storage contract every backend passes, run against the embedded SQLite store. */
class SqliteStoreContractTest extends StoreContractTest {
    @TempDir
    Path dir;

    @Override
    protected Store openStore() {
        return SqliteStore.open(dir);
    }

    @Override
    protected String identity() {
        return dir.resolve("state.db").toString();
    }
}
