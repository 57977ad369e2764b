package io.corral.simulator.run;

/**
 * A cloud the simulator may stop and start, for {@code --outage restart}. Each call returns once the cloud is
 * down, or answering again.
 */
public interface CloudControl {
    /** Stops the cloud the way an operator would (SIGTERM): it saves its DTLS connections. */
    void stop() throws Exception;

    /** Starts it again and waits until it answers. */
    void start() throws Exception;
}
