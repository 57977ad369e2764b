package io.corral.cloud.testkit;

import io.corral.cloud.Cloud;
import io.corral.cloud.cli.CloudCli;
import io.corral.cloud.integrations.IntegrationSettings;
import io.corral.cloud.integrations.IntegrationStats;
import io.corral.cloud.integrations.delivery.RetryPolicy;
import io.corral.cloud.ops.FdWatchdog;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real cloud in a child JVM, for tests that must kill it ({@code kill -9}) or limit it ({@code ulimit -n}).
 * {@link #main} is the child of {@link #start}: a {@link Cloud} on the given data dir and UDP port, with the rate
 * limit lifted and fast retries, printing {@code READY} and then a {@code STATS} line every 500 ms;
 * {@link #startCli} runs the real {@code corral-cloud} command line instead. The rest is the parent's handle.
 */
public final class ChildCloud implements AutoCloseable {
    /** The last line the {@code run} command prints once everything serves. */
    private static final String RUN_READY = "stop with Ctrl-C or SIGTERM";
    private static final Pattern HTTP_API = Pattern.compile("^HTTP API on http://[^ ]*:(\\d+) ");

    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final Path log;
    private final String readyPrefix;

    private ChildCloud(Process process, Path log, String readyPrefix) {
        this.process = process;
        this.log = log;
        this.readyPrefix = readyPrefix;
        Thread.ofPlatform().daemon().name("child-cloud-output").start(this::readOutput);
    }

    /**
     * Starts a child cloud and waits until it serves.
     *
     * @param shellPrefix a shell line put before {@code exec java ...}, such as {@code ulimit -n 256;}, or empty
     */
    public static ChildCloud start(Path dataDir, int port, String shellPrefix, Path log) throws IOException {
        return launch(ChildCloud.class.getName(), List.of(dataDir.toString(), Integer.toString(port)), shellPrefix,
                log, "READY");
    }

    /**
     * Runs the real command line, {@code corral-cloud ARGS} (such as {@code run --data DIR ...}), in a child JVM and
     * waits until it says it serves. {@link #httpPort()} then tells where its HTTP API listens.
     */
    public static ChildCloud startCli(List<String> args, String shellPrefix, Path log) throws IOException {
        return launch(CloudCli.class.getName(), args, shellPrefix, log, RUN_READY);
    }

    private static ChildCloud launch(String mainClass, List<String> args, String shellPrefix, Path log,
                                     String readyPrefix) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(args);
        ProcessBuilder builder;
        if (shellPrefix.isEmpty()) {
            builder = new ProcessBuilder(command);
        } else {
            StringBuilder line = new StringBuilder(shellPrefix).append(" exec");
            for (String part : command) {
                line.append(" '").append(part.replace("'", "'\\''")).append('\'');
            }
            builder = new ProcessBuilder("bash", "-c", line.toString());
        }
        ChildCloud child = new ChildCloud(builder.redirectErrorStream(true).start(), log, readyPrefix);
        try {
            child.ready.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            child.kill();
            throw new AssertionError("the child cloud did not start: " + e + "\n" + child.tail(), e);
        }
        return child;
    }

    /** The port of the HTTP API, as the {@code run} command announced it. */
    public int httpPort() {
        for (String line : lines) {
            Matcher m = HTTP_API.matcher(line);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError("the child announced no HTTP API:\n" + tail());
    }

    private void readOutput() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                lines.add(line);
                Files.writeString(log, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
                if (line.startsWith(readyPrefix)) {
                    ready.complete(null);
                }
            }
        } catch (IOException e) {
            // The child is gone; what it said is in lines.
        }
        ready.completeExceptionally(new IOException("the child's output ended"));
    }

    public long pid() {
        return process.pid();
    }

    /** File descriptors the child has open now, from {@code /proc}; 0 once it is gone. */
    public long openFds() {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid()), "fd"))) {
            return fds.count();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    /** The child's soft limit of open files ({@code ulimit -n}), from {@code /proc/PID/limits}. */
    public long maxOpenFiles() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "limits"))) {
            if (line.startsWith("Max open files")) {
                return Long.parseLong(line.substring("Max open files".length()).trim().split("\\s+")[0]);
            }
        }
        throw new IOException("no 'Max open files' in /proc/" + pid() + "/limits");
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The last {@code STATS} line, or null. */
    public String lastStats() {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).startsWith("STATS")) {
                return lines.get(i);
            }
        }
        return null;
    }

    /** Every line the child wrote, as one text, for failure messages. */
    public String tail() {
        List<String> all = List.copyOf(lines);
        return String.join("\n", all.subList(Math.max(0, all.size() - 40), all.size()));
    }

    /** {@code kill -9}: no shutdown hook, no flush, no goodbye. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        kill();
    }

    /** The child: {@code ChildCloud DATA_DIR UDP_PORT}. */
    public static void main(String[] args) throws Exception {
        IntegrationSettings settings = IntegrationSettings.builder()
                .pollInterval(Duration.ofMillis(100))
                .retry(new RetryPolicy(Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofHours(1)))
                .circuitBreaker(5, Duration.ofMillis(200), Duration.ofSeconds(1))
                .build();
        Cloud cloud = TestCloud.builder().dataDir(Path.of(args[0])).coapPort(Integer.parseInt(args[1]))
                .limits(TestCloud.UNLIMITED).configure(b -> b.integrations(settings)).start().cloud();
        System.out.println("READY " + cloud.coapAddress().getPort() + " pid " + ProcessHandle.current().pid());
        System.out.flush();
        FdWatchdog fds = cloud.integrations().fdWatchdog();
        while (true) {
            IntegrationStats s = cloud.integrations().stats();
            System.out.println("STATS queued=" + s.deliveriesQueued() + " delivered=" + s.delivered() + " retried="
                    + s.retried() + " postponed=" + s.postponed() + " inFlight=" + s.inFlight() + " openCircuits="
                    + s.openCircuits() + " fds=" + fds.openFds() + "/" + fds.maxFds() + " shedding=" + s.shedding());
            System.out.flush();
            Thread.sleep(500);
        }
    }
}
