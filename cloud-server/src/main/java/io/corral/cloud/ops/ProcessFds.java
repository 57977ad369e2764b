package io.corral.cloud.ops;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.Optional;

/** The process's own file descriptors, from the JDK's {@link UnixOperatingSystemMXBean}; none on Windows. */
public final class ProcessFds implements OpsSignals {
    private final UnixOperatingSystemMXBean bean;

    public ProcessFds() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        this.bean = os instanceof UnixOperatingSystemMXBean unix ? unix : null;
    }

    @Override
    public Optional<Fds> fds() {
        return bean == null ? Optional.empty()
                : Optional.of(new Fds(bean.getOpenFileDescriptorCount(), bean.getMaxFileDescriptorCount()));
    }
}
