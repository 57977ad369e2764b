package io.corral.cloud.admission;

import io.corral.cloud.ops.Periodic;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.HdrHistogram.Histogram;
import org.eclipse.californium.scandium.DatagramFilter;
import org.eclipse.californium.scandium.dtls.Connection;
import org.eclipse.californium.scandium.dtls.DTLSContext;
import org.eclipse.californium.scandium.dtls.AlertMessage;
import org.eclipse.californium.scandium.dtls.DtlsHandshakeTimeoutException;
import org.eclipse.californium.scandium.dtls.HandshakeException;
import org.eclipse.californium.scandium.dtls.Handshaker;
import org.eclipse.californium.scandium.dtls.Record;
import org.eclipse.californium.scandium.dtls.SessionAdapter;
import org.eclipse.californium.scandium.dtls.SessionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admission control for new DTLS handshakes: a Scandium {@link DatagramFilter} that sorts each CLIENT_HELLO and
 * admits or drops it, and a {@link SessionListener} that sees each admitted handshake end.
 *
 * <pre>{@code
 * AdmissionController admission = AdmissionController.create(AdmissionSettings.defaults(), knownSessionIds);
 * DtlsConnectorConfig.builder(configuration).setDatagramFilter(admission.datagramFilter()) ...;
 * // and add admission.sessionListener() to every handshaker
 * admission.releaseTo(connector::processDatagram); // where queued hellos go once admitted
 * admission.start();
 * admission.bindTo(meterRegistry);
 * }</pre>
 *
 * <p>A CLIENT_HELLO without a cookie always passes: it only earns a HelloVerifyRequest. One with a cookie is the
 * moment before the expensive work; a resumption (a session id the cloud holds) draws on the resumption budget,
 * anything else on the full-handshake policy. A full-handshake hello that cannot be admitted yet waits in a
 * first-in first-out queue, and a thread of the controller hands it to Scandium (through {@link #releaseTo}) as
 * soon as the policy admits it. A hello that finds the queue full, or waits too long, is dropped: that costs the
 * device its retransmission timers, since DTLS retransmits the same CLIENT_HELLO and a later one may get in.
 */
public final class AdmissionController implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdmissionController.class);

    private final AdmissionSettings settings;
    private final HelloClassifier classifier;
    private final AdmissionPolicy policy;
    private final LongSupplier nanoClock;
    private final ProcessCpu cpu;
    private final LongAdder hellosCheap = new LongAdder();
    private final LongAdder hellosFull = new LongAdder();
    private final LongAdder hellosResumption = new LongAdder();
    private final DatagramFilter filter = new Filter();
    private final SessionListener listener = new Listener();
    private ScheduledExecutorService ticker;
    private Thread releaser;
    private volatile Consumer<DatagramPacket> releaseTarget;
    /** Set on the releaser thread while it hands a hello to Scandium, whose filter must then let it through. */
    private final ThreadLocal<Boolean> releasing = ThreadLocal.withInitial(() -> false);
    private long lastTickNanos;
    private long lastCpuNanos;
    private long lastDeferred;
    private long lastCompleted;
    private volatile long latencyP90Nanos;
    private volatile long queueP90Nanos;
    private volatile double cpuShare;

    private AdmissionController(AdmissionSettings settings, Predicate<byte[]> knownSession, LongSupplier nanoClock,
                                ProcessCpu cpu) {
        this.settings = settings;
        this.classifier = new HelloClassifier(knownSession);
        this.nanoClock = nanoClock;
        this.cpu = cpu;
        this.policy = new AdmissionPolicy(settings, nanoClock);
        this.lastTickNanos = nanoClock.getAsLong();
        this.lastCpuNanos = cpu.cpuTimeNanos();
    }

    /**
     * @param knownSession whether the cloud holds a session with this id, so that a CLIENT_HELLO offering it is a
     *                     cheap resumption; an unknown id means a full handshake and is treated as one
     */
    public static AdmissionController create(AdmissionSettings settings, Predicate<byte[]> knownSession) {
        return create(settings, knownSession, System::nanoTime, ProcessCpu.jvm());
    }

    static AdmissionController create(AdmissionSettings settings, Predicate<byte[]> knownSession,
                                      LongSupplier nanoClock, ProcessCpu cpu) {
        return new AdmissionController(Objects.requireNonNull(settings, "settings"),
                Objects.requireNonNull(knownSession, "knownSession"), nanoClock, cpu);
    }

    public AdmissionSettings settings() {
        return settings;
    }

    /** Goes into {@code DtlsConnectorConfig.Builder.setDatagramFilter}. */
    public DatagramFilter datagramFilter() {
        return filter;
    }

    /** Must be added to every handshaker (a connector's {@code onInitializeHandshaker}). */
    public SessionListener sessionListener() {
        return listener;
    }

    /**
     * Where a queued hello goes once admitted: the connector's {@code processDatagram}, which runs it through the
     * filter (that lets it pass) and on as if it had just arrived. Required before {@link #start()} when the
     * settings {@linkplain AdmissionSettings#queues() queue}.
     */
    public void releaseTo(Consumer<DatagramPacket> target) {
        this.releaseTarget = Objects.requireNonNull(target, "target");
    }

    /**
     * Starts the control loop (the adaptive rate, the sweep of handshakes past their deadline) and, when the
     * settings queue, the thread that admits queued hellos.
     */
    public void start() {
        if (ticker != null) {
            throw new IllegalStateException("admission already started");
        }
        if (settings.queues()) {
            if (releaseTarget == null) {
                throw new IllegalStateException("the admission queue needs releaseTo(...) before start()");
            }
            releaser = Thread.ofPlatform().daemon().name("corral-admission-queue").start(this::releaseLoop);
        }
        ticker = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("corral-admission")
                .factory());
        Periodic.atFixedRate(ticker, "admission-control", settings.controlInterval(), this::tick);
    }

    /**
     * One control step: what the interval measured goes to the policy's {@link AdmissionLimit}, in every mode (a
     * fixed limit ignores it). The ticker calls it every control interval, tests call it directly.
     */
    void tick() {
        policy.expire();
        long now = nanoClock.getAsLong();
        long cpuNow = cpu.cpuTimeNanos();
        long elapsed = Math.max(1, now - lastTickNanos);
        double share = cpuNow < 0 ? 0 : (double) (cpuNow - lastCpuNanos) / elapsed / cpu.processors();
        lastTickNanos = now;
        lastCpuNanos = cpuNow;
        cpuShare = share;
        latencyP90Nanos = p90Nanos(policy.fullLatencyMicros.getIntervalHistogram());
        Histogram queue = policy.fullQueueMicros.getIntervalHistogram();
        long p90 = p90Nanos(queue);
        queueP90Nanos = p90;
        AdmissionPolicy.Counters counters = policy.counters;
        // Only hellos the rate turned away or queued say that a higher rate would admit more. Queued for the in-flight
        // cap counts too: adaptive derives the cap from the rate, so a higher rate raises it as well.
        long deferred = counters.deferredRate.sum() + counters.queued.sum() + counters.deferredQueueFull.sum();
        long completed = counters.completedFull.sum();
        double before = policy.rate();
        policy.learn(new AimdRate.Interval(deferred - lastDeferred, queue.getTotalCount(), completed - lastCompleted,
                p90, share, latencyP90Nanos, policy.fullInFlight(), elapsed / 1e9));
        double after = policy.rate();
        if (after != before) {
            LOG.debug("admission rate {} -> {}/s (queue p90 {} ms, CPU {}%)", Math.round(before),
                    Math.round(after), p90 / 1_000_000, Math.round(share * 100));
        }
        lastDeferred = deferred;
        lastCompleted = completed;
    }

    /** Every counter at this moment. */
    public AdmissionStats stats() {
        AdmissionPolicy.Counters c = policy.counters;
        return new AdmissionStats(hellosCheap.sum(), hellosFull.sum(), hellosResumption.sum(), c.admittedFull.sum(),
                c.admittedResumption.sum(), c.deferred(), c.retransmissions.sum(), c.completedFull.sum(),
                c.completedResumption.sum(), c.failed.sum(), c.abandoned.sum(), policy.inFlight(), policy.open(),
                policy.inFlightPeak(), policy.rate(),
                policy.inFlightLimit(), c.queued.sum(), c.queueAdmitted.sum(), c.queueExpired.sum(),
                c.queueWithdrawn.sum(), c.queueRetransmissions.sum(), policy.queueLength());
    }

    /** Registers the admission metrics (see {@link AdmissionMetrics}) with {@code registry}. */
    public void bindTo(MeterRegistry registry) {
        AdmissionMetrics.bind(this, registry);
    }

    AdmissionPolicy policy() {
        return policy;
    }

    long hellos(HelloKind kind) {
        return switch (kind) {
            case CHEAP -> hellosCheap.sum();
            case FULL -> hellosFull.sum();
            case RESUMPTION -> hellosResumption.sum();
            case OTHER -> 0;
        };
    }

    /** The 90th percentile of full-handshake latency over the last control interval, in nanoseconds. */
    long latencyP90Nanos() {
        return latencyP90Nanos;
    }

    /** The 90th percentile of admission-to-start of full handshakes over the last control interval. */
    long queueP90Nanos() {
        return queueP90Nanos;
    }

    private static long p90Nanos(Histogram micros) {
        return micros.getTotalCount() == 0 ? 0 : micros.getValueAtPercentile(90) * 1000;
    }

    /** The process's share of its CPUs over the last control interval, 0..1. */
    double cpuShare() {
        return cpuShare;
    }

    /** The filter's decision for one datagram; what the Scandium filter calls. */
    boolean onDatagram(byte[] data, int offset, int length, InetSocketAddress peer) {
        if (releasing.get()) {
            return true; // admitted from the queue a moment ago
        }
        HelloClassifier.Hello hello = classifier.classify(data, offset, length);
        switch (hello.kind()) {
            case OTHER -> {
                if (HelloClassifier.isPlaintextAlert(data, offset, length)) {
                    policy.gaveUp(peer);
                }
                return true;
            }
            case CHEAP -> {
                hellosCheap.increment();
                return true;
            }
            case FULL -> hellosFull.increment();
            case RESUMPTION -> hellosResumption.increment();
        }
        return policy.admit(hello.kind(), peer, hello.randomFingerprint(), data, offset, length).passes();
    }

    /** Hands each queued hello to Scandium as the policy admits it, until {@link #close()}. */
    private void releaseLoop() {
        long maxWait = TimeUnit.MILLISECONDS.toNanos(50); // also how often waiting hellos are checked for age
        while (!Thread.currentThread().isInterrupted()) {
            try {
                AdmissionPolicy.Waiting admitted = policy.release();
                if (admitted == null || admitted.datagram == null) {
                    policy.awaitReleasable(maxWait);
                    continue;
                }
                releasing.set(true);
                try {
                    releaseTarget.accept(new DatagramPacket(admitted.datagram, admitted.datagram.length,
                            admitted.peer));
                } finally {
                    releasing.set(false);
                }
            } catch (InterruptedException e) {
                return;
            } catch (Throwable e) {
                // Never let this thread die: without it no queued hello is admitted, and while any wait every
                // newcomer queues behind them, so full handshakes would stop altogether.
                LOG.error("handing a queued CLIENT_HELLO to the DTLS stack failed", e);
            }
        }
    }

    @Override
    public void close() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
        if (releaser != null) {
            releaser.interrupt();
        }
    }

    private final class Filter implements DatagramFilter {
        @Override
        public boolean onReceiving(DatagramPacket packet) {
            return onDatagram(packet.getData(), packet.getOffset(), packet.getLength(),
                    (InetSocketAddress) packet.getSocketAddress());
        }

        @Override
        public boolean onReceiving(Record record, Connection connection) {
            return true;
        }

        @Override
        public boolean onMacError(Record record, Connection connection) {
            return false;
        }
    }

    private final class Listener extends SessionAdapter {
        @Override
        public void handshakeStarted(Handshaker handshaker) {
            policy.started(handshaker.getPeerAddress(), handshaker);
        }

        @Override
        public void contextEstablished(Handshaker handshaker, DTLSContext establishedContext) {
            policy.finished(handshaker.getPeerAddress(), handshaker, AdmissionPolicy.Outcome.COMPLETED);
        }

        @Override
        public void handshakeFailed(Handshaker handshaker, Throwable error) {
            policy.finished(handshaker.getPeerAddress(), handshaker, abandoned(error)
                    ? AdmissionPolicy.Outcome.ABANDONED : AdmissionPolicy.Outcome.FAILED);
        }

        @Override
        public void handshakeFlightRetransmitted(Handshaker handshaker, int flight) {
            policy.retransmitted(handshaker);
        }

        /**
         * The peer went away or gave up: our flight timed out, it started over, or it sent internal_error (what a
         * DTLS client sends when its own handshake timer runs out) or close_notify. Work done for nothing. Any
         * other alert is a failure: refused credentials, a broken peer.
         */
        private static boolean abandoned(Throwable error) {
            if (error instanceof DtlsHandshakeTimeoutException) {
                return true;
            }
            if (error instanceof HandshakeException refused && refused.getAlert() != null) {
                AlertMessage.AlertDescription description = refused.getAlert().getDescription();
                return description == AlertMessage.AlertDescription.INTERNAL_ERROR
                        || description == AlertMessage.AlertDescription.CLOSE_NOTIFY;
            }
            return error != null && error.getMessage() != null
                    && error.getMessage().startsWith("Received new CLIENT_HELLO");
        }
    }
}
