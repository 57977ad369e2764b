/**
 * Secrets at rest: {@link io.corral.cloud.secrets.DataKey} seals what the cloud must keep but must not keep in
 * clear (device PSKs, the cloud's private key, resumable DTLS sessions) with a key that lives outside the database.
 */
package io.corral.cloud.secrets;
