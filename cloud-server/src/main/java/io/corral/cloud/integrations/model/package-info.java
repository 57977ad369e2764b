/**
 * What an integration is: the {@link io.corral.cloud.integrations.model.IntegrationSpec} an owner configures, with
 * its target ({@link io.corral.cloud.integrations.model.WebhookSettings} or
 * {@link io.corral.cloud.integrations.model.MqttSettings}) and their compiled templates; the stored
 * {@link io.corral.cloud.integrations.model.Integration}; a {@link io.corral.cloud.integrations.model.Delivery} and
 * its {@link io.corral.cloud.integrations.model.Attempt}s; and
 * {@link io.corral.cloud.integrations.model.IntegrationJson}, the one JSON form the API, the CLI and the store share.
 * Plain values, validated when built, with no I/O.
 */
package io.corral.cloud.integrations.model;
