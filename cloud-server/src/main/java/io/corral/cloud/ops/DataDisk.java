package io.corral.cloud.ops;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Free space of the file system that holds the cloud's data directory: the {@code disk-free} alert's signal, and
 * {@code corral_storage_free_bytes} / {@code corral_storage_total_bytes} on {@code /metrics}. Thread-safe.
 */
public final class DataDisk implements OpsSignals {
    private final Path dir;

    public DataDisk(Path dir) {
        this.dir = Objects.requireNonNull(dir, "dir");
    }

    @Override
    public Optional<Disk> disk() {
        try {
            FileStore store = Files.getFileStore(dir);
            return Optional.of(new Disk(dir.toString(), store.getUsableSpace(), store.getTotalSpace()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Registers the free and total bytes gauges on {@code registry}. */
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("corral.storage.free.bytes", this, d -> d.disk().map(Disk::free).orElse(-1L))
                .description("bytes free on the file system of the data directory").register(registry);
        Gauge.builder("corral.storage.total.bytes", this, d -> d.disk().map(Disk::total).orElse(-1L))
                .description("size of the file system of the data directory").register(registry);
    }
}
