/**
 * Where integrations are kept: {@link io.corral.cloud.integrations.store.IntegrationStore}, the interface every
 * implementation fulfils (the embedded one lives in {@code integrations.sqlite}, in the same file as the queue),
 * and {@link io.corral.cloud.integrations.store.IntegrationIndex}, the in-memory copy the hot paths read so that
 * routing an event and looking up a leased delivery's settings never touch the database.
 */
package io.corral.cloud.integrations.store;
