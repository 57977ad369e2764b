/**
 * The durable delivery queue between an accepted event and its integrations:
 * {@link io.corral.cloud.integrations.queue.DeliveryQueue}, the interface every implementation (the embedded
 * SQLite one in {@code integrations.sqlite}; JetStream later) fulfils, and the records it answers with. Its
 * promises (committed before the ACK, leases that lapse, results of a lapsed lease refused) are what make
 * "acknowledged means delivered at least once" hold.
 */
package io.corral.cloud.integrations.queue;
