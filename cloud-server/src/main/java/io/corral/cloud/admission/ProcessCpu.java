package io.corral.cloud.admission;

import java.lang.management.ManagementFactory;

/** The CPU time this process has used, and how many CPUs it may use; a seam so tests can fake load. */
interface ProcessCpu {
    long cpuTimeNanos();

    int processors();

    /** The JVM's own accounting; -1 where the platform cannot tell. */
    static ProcessCpu jvm() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return new ProcessCpu() {
            @Override
            public long cpuTimeNanos() {
                return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
            }

            @Override
            public int processors() {
                return Runtime.getRuntime().availableProcessors();
            }
        };
    }
}
