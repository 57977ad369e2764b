/**
 * Events and their routing. Every publish, from a device or the API, enters through the
 * {@link io.corral.cloud.events.EventIngress}: checked once, made durable through the
 * {@link io.corral.cloud.events.DurableHandOff} (which the integrations' queue implements), then routed on the
 * {@link io.corral.cloud.events.EventBus}, where subscribers choose events by owner and name prefix. The embedded
 * bus is {@link io.corral.cloud.events.InProcessEventBus}.
 */
package io.corral.cloud.events;
