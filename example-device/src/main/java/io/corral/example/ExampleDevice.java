package io.corral.example;

import io.corral.device.ConnectionListener;
import io.corral.device.ConnectionState;
import io.corral.device.Device;
import io.corral.device.DeviceCredentials;
import io.corral.device.DeviceException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The example device of the quick start: offers a function ({@code led}) and a variable ({@code counter}),
 * publishes the counter, and prints every event it receives.
 */
@Command(name = "corral-device", mixinStandardHelpOptions = true, version = "corral-device 0.1.0",
        description = "Runs an example Corral device: function 'led', variable 'counter', publishes 'counter'.")
public final class ExampleDevice implements Callable<Integer> {

    @Option(names = "--credentials", required = true, description = "Credential file from 'corral-cloud device create'.")
    Path credentials;

    @Option(names = "--interval", defaultValue = "5", description = "Seconds between publishes (1..3600, default ${DEFAULT-VALUE}).")
    int intervalSeconds;

    @Option(names = "--count", defaultValue = "0", description = "Stop after this many publishes; 0 runs until Ctrl-C.")
    int count;

    @Option(names = "--subscribe", defaultValue = "", description = "Event-name prefix to print (default: all of the owner's events).")
    String prefix;

    @Override
    public Integer call() throws Exception {
        if (intervalSeconds < 1 || intervalSeconds > 3600) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--interval must be in [1, 3600], was " + intervalSeconds);
        }
        DeviceCredentials creds = DeviceCredentials.load(credentials);
        AtomicInteger counter = new AtomicInteger();
        AtomicBoolean led = new AtomicBoolean();
        CountDownLatch closed = new CountDownLatch(1); // counted down once the device has said goodbye
        try (Device device = Device.builder().credentials(creds).firmwareVersion("1.0.0").product("example").build()) {
            device.function("led", arg -> {
                led.set(arg.trim().equalsIgnoreCase("on"));
                System.out.println("led is now " + (led.get() ? "on" : "off"));
                return led.get() ? 1 : 0;
            });
            device.variable("counter", counter::get);
            device.subscribe(prefix, event -> System.out.println("event " + event.name() + " from "
                    + event.sourceDeviceId() + ": " + event.dataAsString()));
            device.addConnectionListener(new ConnectionListener() {
                @Override
                public void onStateChanged(ConnectionState previous, ConnectionState current, Throwable cause) {
                    System.out.println("connection: " + current + (cause == null ? "" : " (" + cause.getMessage() + ")"));
                }
            });
            System.out.println("device " + device.id() + " connecting to " + creds.cloudHost() + ":" + creds.cloudPort());
            device.connect();
            CountDownLatch stop = new CountDownLatch(1);
            // Ctrl-C or SIGTERM: the JVM halts once the hooks return, so this hook waits for the loop below to
            // end and the device to say goodbye (closed), or the cloud would only notice the silence keepalives later.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stop.countDown();
                try {
                    closed.await(5, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            for (int sent = 0; count == 0 || sent < count; sent++) {
                int value = counter.incrementAndGet();
                try {
                    device.publish("counter", Integer.toString(value)).join();
                    System.out.println("published counter=" + value);
                } catch (RuntimeException e) {
                    Throwable cause = e.getCause() != null ? e.getCause() : e;
                    System.out.println("publish failed: " + cause.getMessage());
                }
                if (stop.await(intervalSeconds, java.util.concurrent.TimeUnit.SECONDS)) {
                    break;
                }
            }
            return 0;
        } catch (DeviceException e) {
            System.err.println("corral-device: " + e.getMessage());
            return e.reason() == DeviceException.Reason.AUTHENTICATION_REFUSED ? 3 : 2;
        } finally {
            closed.countDown();
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new ExampleDevice()).execute(args));
    }

}
