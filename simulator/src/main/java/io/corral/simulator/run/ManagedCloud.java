package io.corral.simulator.run;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A cloud process the simulator runs itself, from a shell command ({@code --cloud-command}): started before the
 * scenario, stopped with SIGTERM and started again for a restart outage, stopped at the end.
 */
public final class ManagedCloud implements CloudControl, AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final String command;
    private final URI readyz;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private Process process;

    /**
     * @param command  run with {@code bash -c "exec COMMAND"}, so the signal reaches the cloud itself
     * @param cloudUrl the cloud's HTTP API; {@code /readyz} there says when it is up
     * @param log      where its output goes (appended)
     */
    public ManagedCloud(String command, URI cloudUrl, Path log) {
        this.command = command;
        this.readyz = cloudUrl.resolve("/readyz");
        this.log = log;
    }

    @Override
    public void start() throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(List.of("bash", "-c", "exec " + command))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        process = builder.start();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("the cloud command exited with " + process.exitValue() + " before it was "
                        + "ready; its output is in " + log);
            }
            if (ready()) {
                return;
            }
            Thread.sleep(200);
        }
        stop();
        throw new IOException("the cloud did not answer " + readyz + " within " + READY_TIMEOUT.toSeconds()
                + " s; its output is in " + log);
    }

    private boolean ready() throws InterruptedException {
        try {
            return http.send(HttpRequest.newBuilder(readyz).timeout(Duration.ofSeconds(1)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException notYet) {
            return false;
        }
    }

    @Override
    public void stop() throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy(); // SIGTERM
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    /** The cloud's process id, while it runs. */
    public long pid() {
        return process == null ? -1 : process.pid();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
