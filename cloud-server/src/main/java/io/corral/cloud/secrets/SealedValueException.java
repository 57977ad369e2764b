package io.corral.cloud.secrets;

/** A sealed value that does not open: another data key, other associated data, or tampering. */
public final class SealedValueException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SealedValueException(String message) {
        super(message);
    }
}
