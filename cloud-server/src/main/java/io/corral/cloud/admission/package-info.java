/**
 * Admission control for new DTLS handshakes, the defence against a thundering herd of reconnects. Start with
 * {@link io.corral.cloud.admission.AdmissionSettings} (what the policy is) and
 * {@link io.corral.cloud.admission.AdmissionController} (the Scandium filter and session listener that apply it);
 * {@code io.corral.cloud.Cloud} wires both. Everything else here is package-private: {@code AdmissionPolicy}
 * holds the mechanics every mode shares, and an {@code AdmissionLimit} per mode decides its numbers.
 */
package io.corral.cloud.admission;
