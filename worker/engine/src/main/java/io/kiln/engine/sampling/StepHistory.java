package io.kiln.engine.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * What a multistep scheduler carries from one step to the next: a manager of its own for the arrays it keeps (the
 * caller's managers may be per-step scopes), and the order of the steps, which a multistep formula depends on.
 */
final class StepHistory implements AutoCloseable {
    private NDManager manager;
    private int lastStep = -1;

    /**
     * Records that step {@code stepIndex} runs now. A run may start at any step (img2img starts late) but then goes
     * on one step at a time.
     */
    void advance(int stepIndex) {
        if (lastStep >= 0 && stepIndex != lastStep + 1) {
            throw new IllegalStateException("a multistep scheduler runs its steps in order: expected step "
                    + (lastStep + 1) + ", got " + stepIndex + "; call setTimesteps to start a new run");
        }
        lastStep = stepIndex;
    }

    /** The manager kept arrays live in, created on the device and engine of the first sample. */
    NDManager manager(NDArray sample) {
        if (manager == null) {
            manager = NDManager.newBaseManager(
                    sample.getDevice(), sample.getManager().getEngine().getEngineName());
        }
        return manager;
    }

    /** Frees every kept array and forgets the step order, for a new run. */
    void clear() {
        if (manager != null) {
            manager.close();
            manager = null;
        }
        lastStep = -1;
    }

    @Override
    public void close() {
        clear();
    }
}
