package io.kiln.infra.local.process;

import java.util.List;

/**
 * How a server's child JVM compiles its code: a trade between start-up time and CPU per request.
 *
 * <p>Measured side by side on a 2-core VM (one client alternating blocks of 500 PUTs of 7 KB between two s3proxy
 * servers, 15,000 PUTs each after 5,000 of warm-up): C1 only took 1.04 ms of the server's CPU per PUT, tiered
 * compilation 0.60 ms.
 */
public enum ServerJit {
    /** C1 only: ready about a second sooner; for tests, whose servers answer a few hundred requests and stop. */
    QUICK_START(List.of("-XX:TieredStopAtLevel=1")),

    /**
     * The JVM's default tiered compilation, C2 included: for servers that run long or under load, such as the ones a
     * developer keeps up or a benchmark shares its cores with, where C1-compiled code costs 1.7 times the CPU.
     */
    FULL_SPEED(List.of());

    private final List<String> jvmOptions;

    ServerJit(List<String> jvmOptions) {
        this.jvmOptions = jvmOptions;
    }

    /** The options that select this compilation, for the server's command line. */
    List<String> jvmOptions() {
        return jvmOptions;
    }
}
