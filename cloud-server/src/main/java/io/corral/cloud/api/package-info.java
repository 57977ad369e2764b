/**
 * The cloud's HTTP API (REST and Server-Sent Events), shaped after the Particle Device Cloud API. Start with
 * {@link io.corral.cloud.api.ApiServer}: {@code io.corral.cloud.Cloud} builds one when its builder has an
 * {@code httpPort}, and serves it over an {@link io.corral.cloud.api.ApiBackend}, the only way in from the rest of
 * the cloud. Routes, authentication and event streams are package-private.
 */
package io.corral.cloud.api;
