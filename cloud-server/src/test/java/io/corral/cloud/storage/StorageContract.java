package io.corral.cloud.storage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The base of the contracts for the parts of a {@link Storage}: each test gets a fresh, empty storage, closed
 * after it. A contract takes its part from {@link #storage}; an engine's test says how to open its storage.
 */
public abstract class StorageContract {
    protected Storage storage;

    /** A fresh, empty storage. */
    protected abstract Storage openStorage();

    @BeforeEach
    void openTheStorage() {
        storage = openStorage();
    }

    @AfterEach
    void closeTheStorage() {
        storage.close();
    }
}
