package io.kiln.bench;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * The machine's CPU times and those of a pipeline's threads at one moment; empty where Linux's {@code /proc} is
 * not.
 */
record CpuReading(Optional<CpuTimes> machine, OptionalLong pipelineTicks) {
    static CpuReading now(String pipelineThread) {
        return new CpuReading(CpuTimes.now(), ThreadTicks.named(pipelineThread));
    }

    double stealSince(CpuReading earlier) {
        return machine.isPresent() && earlier.machine.isPresent()
                ? machine.get().stealSince(earlier.machine.get())
                : Double.NaN;
    }

    /** Milliseconds the machine was busy since {@code earlier} outside the pipeline's threads. */
    double otherMillisSince(CpuReading earlier) {
        if (machine.isEmpty()
                || earlier.machine.isEmpty()
                || pipelineTicks.isEmpty()
                || earlier.pipelineTicks.isEmpty()) {
            return Double.NaN;
        }
        return machine.get().busyMillisSince(earlier.machine.get())
                - CpuTimes.millis(pipelineTicks.getAsLong() - earlier.pipelineTicks.getAsLong());
    }
}
