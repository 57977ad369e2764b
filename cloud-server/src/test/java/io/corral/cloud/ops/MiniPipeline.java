package io.corral.cloud.ops;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small but real delivery pipeline for alert tests, until the integration workers land: a queue of deliveries,
 * worker threads that lease them and POST them to a real HTTP sink, heartbeats, a supervisor, and the
 * conservation counters the rules read. A worker that dies gives its lease back, so nothing queued is lost.
 */
final class MiniPipeline implements OpsSignals, AutoCloseable {
    private record Item(long id, long enqueuedAt) {
    }

    /** How a worker misbehaves. */
    enum Fault { NONE, DROPS_SILENTLY, CRASHES_EACH_ITEM, LEAKS_FDS }

    private final LinkedBlockingDeque<Item> queue = new LinkedBlockingDeque<>();
    private final AtomicLong nextId = new AtomicLong();
    private final AtomicLong matched = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong leased = new AtomicLong();
    private final Map<Long, Long> inFlight = new ConcurrentHashMap<>();
    private final Map<String, PipelineWorker> workers = new ConcurrentHashMap<>();
    private final HttpServer sink;
    private final Set<Long> sunk = ConcurrentHashMap.newKeySet();
    private volatile boolean sinkStalled;
    private final HttpClient client = HttpClient.newHttpClient();
    private final List<FileChannel> leakedFds = new CopyOnWriteArrayList<>();
    private final Path fdFile;
    private final long fdBudget;
    private volatile boolean supervising;
    private final Thread supervisor;
    private volatile boolean closed;

    /**
     * @param fdFile   a file that fd-leaking workers open again and again
     * @param fdBudget open fds of the process past which a leaking worker fails as with EMFILE
     */
    MiniPipeline(Path fdFile, long fdBudget) {
        this.fdFile = fdFile;
        this.fdBudget = fdBudget;
        try {
            sink = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        sink.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        sink.createContext("/", exchange -> {
            while (sinkStalled && !closed) {
                sleep(20);
            }
            sunk.add(Long.parseLong(new String(exchange.getRequestBody().readAllBytes())));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        sink.start();
        supervisor = Thread.ofPlatform().daemon().name("mini-supervisor").start(() -> {
            while (!closed) {
                if (supervising) {
                    workers.values().forEach(w -> {
                        if (!w.thread.isAlive() && !closed) {
                            w.restarts.incrementAndGet();
                            w.start();
                        }
                    });
                }
                sleep(50);
            }
        });
    }

    void supervise(boolean on) {
        supervising = on;
    }

    void startWorker(String name, Fault fault) {
        PipelineWorker worker = new PipelineWorker(name, fault);
        workers.put(name, worker);
        worker.start();
    }

    void setFault(String name, Fault fault) {
        workers.get(name).fault = fault;
    }

    /** Stops the worker as a crash would: no goodbye, its heartbeats just end. */
    void kill(String name) throws InterruptedException {
        PipelineWorker w = workers.get(name);
        w.killed = true;
        w.thread.join(5000);
    }

    /** Starts a killed worker again, as a supervisor would. */
    void restart(String name) {
        PipelineWorker w = workers.get(name);
        w.killed = false;
        w.restarts.incrementAndGet();
        w.start();
    }

    boolean alive(String name) {
        return workers.get(name).thread.isAlive();
    }

    /** Events that matched an integration: one delivery each, acknowledged once queued. */
    void publish(int n) {
        for (int i = 0; i < n; i++) {
            matched.incrementAndGet();
            queue.add(new Item(nextId.incrementAndGet(), System.currentTimeMillis()));
        }
    }

    void stallSink(boolean stalled) {
        sinkStalled = stalled;
    }

    long acknowledged() {
        return nextId.get();
    }

    Set<Long> sunk() {
        return Set.copyOf(sunk);
    }

    void releaseLeakedFds() throws IOException {
        for (FileChannel c : leakedFds) {
            c.close();
        }
        leakedFds.clear();
    }

    @Override
    public Optional<Flow> flow() {
        Item head = queue.peekFirst();
        long oldest = inFlight.values().stream().mapToLong(Long::longValue).min().orElse(Long.MAX_VALUE);
        if (head != null) {
            oldest = Math.min(oldest, head.enqueuedAt());
        }
        Duration age = oldest == Long.MAX_VALUE ? Duration.ZERO
                : Duration.ofMillis(Math.max(0, System.currentTimeMillis() - oldest));
        return Optional.of(new Flow(matched.get(), delivered.get(), 0, queue.size() + leased.get(), age));
    }

    @Override
    public Optional<List<Worker>> workers() {
        List<Worker> all = new ArrayList<>();
        workers.values().forEach(w -> all.add(new Worker(w.name, w.heartbeat, w.restarts.get())));
        return Optional.of(all);
    }

    @Override
    public Optional<Fds> fds() {
        return new ProcessFds().fds();
    }

    private final class PipelineWorker {
        final String name;
        volatile Fault fault;
        volatile long heartbeat = System.currentTimeMillis();
        volatile boolean killed;
        final AtomicLong restarts = new AtomicLong();
        volatile Thread thread;

        PipelineWorker(String name, Fault fault) {
            this.name = name;
            this.fault = fault;
        }

        void start() {
            thread = Thread.ofPlatform().daemon().name("mini-" + name).start(this::run);
        }

        private void run() {
            while (!closed && !killed) {
                heartbeat = System.currentTimeMillis();
                Item item;
                try {
                    item = queue.pollFirst(50, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    return;
                }
                if (item == null) {
                    continue;
                }
                leased.incrementAndGet();
                inFlight.put(item.id(), item.enqueuedAt());
                try {
                    switch (fault) {
                        case DROPS_SILENTLY -> {
                            continue; // the silent partial failure: taken, never delivered, never counted
                        }
                        case CRASHES_EACH_ITEM -> throw new IllegalStateException(name + " crashed");
                        case LEAKS_FDS -> leakOneFd();
                        case NONE -> {
                        }
                    }
                    HttpResponse<Void> answer = client.send(HttpRequest.newBuilder(sinkUri())
                            .POST(HttpRequest.BodyPublishers.ofString(Long.toString(item.id()))).build(),
                            HttpResponse.BodyHandlers.discarding());
                    if (answer.statusCode() / 100 == 2) {
                        delivered.incrementAndGet();
                    } else {
                        queue.addFirst(item);
                    }
                } catch (IOException | RuntimeException e) {
                    queue.addFirst(item); // the lease returns: acknowledged work outlives the worker
                    return;                // and the worker dies
                } catch (InterruptedException e) {
                    queue.addFirst(item);
                    return;
                } finally {
                    inFlight.remove(item.id());
                    leased.decrementAndGet();
                }
            }
        }

        private void leakOneFd() throws IOException {
            long open = new ProcessFds().fds().orElseThrow().open();
            if (open >= fdBudget) {
                throw new IOException("Too many open files");
            }
            for (int i = 0; i < 20; i++) {
                leakedFds.add(FileChannel.open(fdFile, StandardOpenOption.READ));
            }
        }
    }

    private URI sinkUri() {
        return URI.create("http://127.0.0.1:" + sink.getAddress().getPort() + "/hook");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        sink.stop(0);
        releaseLeakedFds();
    }
}
