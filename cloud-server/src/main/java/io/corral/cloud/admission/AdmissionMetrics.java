package io.corral.cloud.admission;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.LongAdder;

/**
 * The admission controller's meters. Each reads a counter the hot path keeps anyway, so recording never touches
 * Micrometer. In Prometheus text:
 *
 * <pre>
 * corral_dtls_hellos_total{kind="cheap|full|resumption"}             CLIENT_HELLOs seen
 * corral_dtls_hellos_admitted_total{kind="full|resumption"}          handshakes admitted
 * corral_dtls_hellos_deferred_total{kind,reason}                    hellos not admitted when they came: queued
 *                                          (reason="queued"), or dropped ("queue_full", "rate", "in_flight", "source")
 * corral_dtls_hellos_dequeued_total{outcome="admitted|expired|withdrawn"}  queued hellos leaving the queue
 * corral_admission_queue_length                                      hellos waiting in the queue
 * corral_dtls_hellos_queued_retransmitted_total                      retransmissions of queued hellos, dropped
 * corral_dtls_hellos_retransmitted_total                             retransmissions of admitted hellos
 * corral_dtls_handshakes_in_flight / _in_flight_peak                 admitted, holding a slot (not stalled)
 * corral_dtls_handshakes_open                                        admitted, not ended yet
 * corral_dtls_handshakes_completed_total{kind="full|resumption"}     sessions established
 * corral_dtls_handshakes_failed_total                                refused, alerts
 * corral_dtls_handshakes_abandoned_total                             started, never finished: wasted work
 * corral_admission_mode{mode="off|static|adaptive"}                  1, the policy in force
 * corral_admission_rate                                              full handshakes per second in force
 * corral_admission_in_flight_limit                                   cap on full handshakes in flight
 * corral_admission_handshake_latency_p90_seconds                     admission to session, last control interval
 * corral_admission_queue_delay_p90_seconds                           admission to start, last control interval
 * </pre>
 */
final class AdmissionMetrics {
    private AdmissionMetrics() {
    }

    static void bind(AdmissionController controller, MeterRegistry registry) {
        AdmissionPolicy policy = controller.policy();
        AdmissionPolicy.Counters c = policy.counters;
        for (HelloKind kind : new HelloKind[] {HelloKind.CHEAP, HelloKind.FULL, HelloKind.RESUMPTION}) {
            FunctionCounter.builder("corral.dtls.hellos", controller, it -> it.hellos(kind))
                    .tag("kind", kind.label()).description("CLIENT_HELLOs seen").register(registry);
        }
        counter(registry, "corral.dtls.hellos.admitted", "handshakes admitted", c.admittedFull, "kind", "full");
        counter(registry, "corral.dtls.hellos.admitted", "handshakes admitted", c.admittedResumption,
                "kind", "resumption");
        String deferred = "CLIENT_HELLOs not admitted when they came: queued, or dropped (the device retransmits)";
        counter(registry, "corral.dtls.hellos.deferred", deferred, c.queued, "kind", "full", "reason", "queued");
        counter(registry, "corral.dtls.hellos.deferred", deferred, c.deferredQueueFull, "kind", "full",
                "reason", "queue_full");
        String dequeued = "queued CLIENT_HELLOs leaving the queue: admitted, expired, or withdrawn by their device";
        counter(registry, "corral.dtls.hellos.dequeued", dequeued, c.queueAdmitted, "outcome", "admitted");
        counter(registry, "corral.dtls.hellos.dequeued", dequeued, c.queueExpired, "outcome", "expired");
        counter(registry, "corral.dtls.hellos.dequeued", dequeued, c.queueWithdrawn, "outcome", "withdrawn");
        counter(registry, "corral.dtls.hellos.queued.retransmitted",
                "retransmitted hellos of queued ones, dropped: the first copy keeps its place", c.queueRetransmissions);
        Gauge.builder("corral.admission.queue.length", policy, AdmissionPolicy::queueLength)
                .description("full-handshake CLIENT_HELLOs waiting for admission").register(registry);
        counter(registry, "corral.dtls.hellos.deferred", deferred, c.deferredRate, "kind", "full", "reason", "rate");
        counter(registry, "corral.dtls.hellos.deferred", deferred, c.deferredInFlight, "kind", "full",
                "reason", "in_flight");
        counter(registry, "corral.dtls.hellos.deferred", deferred, c.deferredSource, "kind", "full",
                "reason", "source");
        counter(registry, "corral.dtls.hellos.deferred", deferred, c.deferredResumption, "kind", "resumption",
                "reason", "rate");
        counter(registry, "corral.dtls.hellos.retransmitted", "retransmitted hellos of admitted handshakes",
                c.retransmissions);
        counter(registry, "corral.dtls.handshakes.completed", "handshakes that established a session",
                c.completedFull, "kind", "full");
        counter(registry, "corral.dtls.handshakes.completed", "handshakes that established a session",
                c.completedResumption, "kind", "resumption");
        counter(registry, "corral.dtls.handshakes.failed", "admitted handshakes that failed", c.failed);
        counter(registry, "corral.dtls.handshakes.abandoned",
                "admitted handshakes never finished (timed out, replaced, past the deadline): wasted work",
                c.abandoned);
        Gauge.builder("corral.dtls.handshakes.in.flight", policy, AdmissionPolicy::inFlight)
                .description("admitted handshakes holding an in-flight slot: not finished, not stalled")
                .register(registry);
        Gauge.builder("corral.dtls.handshakes.open", policy, AdmissionPolicy::open)
                .description("admitted handshakes not ended yet, stalled ones included").register(registry);
        Gauge.builder("corral.dtls.handshakes.in.flight.peak", policy, AdmissionPolicy::inFlightPeak)
                .description("the most handshakes ever in flight at once").register(registry);
        Gauge.builder("corral.admission.mode", () -> 1).tag("mode", controller.settings().mode().cliName())
                .description("the admission policy in force").register(registry);
        Gauge.builder("corral.admission.rate", controller, it -> it.stats().rate())
                .description("full handshakes per second the admission policy allows (0 when off)")
                .register(registry);
        Gauge.builder("corral.admission.in.flight.limit", policy, it -> Math.min(it.inFlightLimit(), 1e9))
                .description("full handshakes the policy allows in flight").register(registry);
        Gauge.builder("corral.admission.handshake.latency.p90", controller, it -> it.latencyP90Nanos() / 1e9)
                .baseUnit("seconds").description("90th percentile of full-handshake latency, last control interval")
                .register(registry);
        Gauge.builder("corral.admission.queue.delay.p90", controller, it -> it.queueP90Nanos() / 1e9)
                .baseUnit("seconds").description("90th percentile of the wait of admitted full handshakes for the "
                        + "cloud's threads, last control interval").register(registry);
    }

    private static void counter(MeterRegistry registry, String name, String description, LongAdder adder,
                                String... tags) {
        FunctionCounter.builder(name, adder, LongAdder::sum).tags(tags).description(description).register(registry);
    }
}
