package io.corral.cloud.coap;

import io.corral.cloud.events.EventBus;
import io.corral.cloud.events.EventIngress;
import io.corral.cloud.registry.DeviceRegistry;
import io.corral.protocol.Limits;
import java.time.Clock;

/** What the profile's resources share; one instance per endpoint. */
record ProfileServices(DeviceRegistry registry, LiveSessions sessions, DeviceIdentities identities, EventBus bus,
                       EventIngress ingress, DeviceCalls calls, PublishRateLimiter rateLimiter, Limits limits, int keepaliveSeconds,
                       Clock clock) {
}
