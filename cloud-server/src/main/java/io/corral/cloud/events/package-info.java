/**
 * Events and their routing. Start with {@link io.corral.cloud.events.EventBus}: publish an
 * {@link io.corral.cloud.events.Event}, subscribe by owner and name prefix. The embedded bus is
 * {@link io.corral.cloud.events.InProcessEventBus}. Before an accepted event reaches the bus, it goes through the
 * {@link io.corral.cloud.events.DurableHandOff}, which the integrations' queue implements.
 */
package io.corral.cloud.events;
