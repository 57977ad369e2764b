/**
 * The Corral wire contract: CoAP paths and options, limits, message bodies, name rules and the device credential
 * file. The device SDK and the cloud both depend on it, and on nothing of each other.
 */
module io.corral.protocol {
    exports io.corral.protocol;

    // Messages and CredentialFile are read and written with Jackson; they are public records in an exported
    // package, so Jackson needs no deeper access than this export gives every module.
    requires com.fasterxml.jackson.databind;
}
