package io.corral.cloud.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real, small file system for storage-fault tests: a tmpfs of a given size mounted on a fresh directory (the
 * tests run as root), which a {@linkplain #fill() ballast file} fills to the last byte and {@link #freeBallast()}
 * empties again. Closing it unmounts it. Fails, never skips, where mounting is not allowed.
 */
public final class SmallDisk implements AutoCloseable {
    private final Path mountPoint;

    private SmallDisk(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    /** Mounts a tmpfs of {@code megabytes} on a new directory under {@code parent}. */
    public static SmallDisk mount(Path parent, int megabytes) throws IOException, InterruptedException {
        Path dir = Files.createDirectories(parent.resolve("small-disk"));
        run("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m,mode=0700", "tmpfs", dir.toString());
        return new SmallDisk(dir);
    }

    /** Where the file system is mounted. */
    public Path path() {
        return mountPoint;
    }

    private Path ballast() {
        return mountPoint.resolve("ballast");
    }

    /** Writes the ballast file until the file system is full (the write fails with ENOSPC). */
    public void fill() throws IOException {
        byte[] chunk = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(ballast(), java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND)) {
            while (true) {
                out.write(chunk);
            }
        } catch (IOException full) {
            // ENOSPC: full to the chunk; write the last few bytes one by one.
            try (OutputStream out = Files.newOutputStream(ballast(), java.nio.file.StandardOpenOption.APPEND)) {
                while (true) {
                    out.write(0);
                    out.flush();
                }
            } catch (IOException fullToTheByte) {
                // now truly full
            }
        }
    }

    /** Writes a ballast file of {@code bytes}. */
    public void ballast(long bytes) throws IOException {
        byte[] chunk = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(ballast())) {
            for (long written = 0; written < bytes; written += chunk.length) {
                out.write(chunk, 0, (int) Math.min(chunk.length, bytes - written));
            }
        }
    }

    /** Deletes the ballast: the space is back. */
    public void freeBallast() throws IOException {
        Files.deleteIfExists(ballast());
    }

    /** Bytes a write may still use. */
    public long free() throws IOException {
        return Files.getFileStore(mountPoint).getUsableSpace();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run("umount", "-l", mountPoint.toString());
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed (storage-fault tests need root to mount a"
                    + " tmpfs): " + out);
        }
    }
}
