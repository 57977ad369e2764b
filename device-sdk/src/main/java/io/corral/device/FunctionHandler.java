package io.corral.device;

/**
 * A function the cloud can call on this device. The argument is UTF-8 text of at most 1024 bytes; the answer
 * is a 32-bit integer. When the handler throws, the cloud gets a 5.00 with the exception's message, and the
 * failure is reported to {@link ConnectionListener#onError(String, Throwable)}. Handlers run on the device's
 * executor: return quickly.
 *
 * <pre>{@code device.function("led", arg -> arg.equals("on") ? 1 : 0);}</pre>
 */
@FunctionalInterface
public interface FunctionHandler {
    /**
     * Runs the function.
     *
     * @param argument the caller's argument, UTF-8 text
     * @return the answer the caller gets
     * @throws Exception to answer the caller 5.00 with the exception's message
     */
    int call(String argument) throws Exception;
}
