package io.corral.cloud.admission;

/** What a datagram is, as far as admission is concerned. */
enum HelloKind {
    /** Not a CLIENT_HELLO: none of admission's business. */
    OTHER,
    /** A CLIENT_HELLO without a cookie: it only earns a HelloVerifyRequest, which costs next to nothing. */
    CHEAP,
    /** A CLIENT_HELLO with a cookie and the id of a session the cloud holds: an abbreviated handshake. */
    RESUMPTION,
    /** A CLIENT_HELLO with a cookie and no session id, or an unknown one: a full handshake, the expensive kind. */
    FULL;

    String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
