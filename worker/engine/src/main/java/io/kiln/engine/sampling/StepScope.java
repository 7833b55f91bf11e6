package io.kiln.engine.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The array bookkeeping of one scheduler call. A step creates a handful of temporaries (scaled copies, sums) and DJL
 * attaches every result to its first operand's manager; without a scope they would pile up in the caller's manager
 * for the whole run. Inside a scope the operands are borrowed into a sub-manager, so every temporary lands there and
 * is freed on {@link #close()}, while the results the caller gets are moved to the manager its sample came from and
 * the borrowed operands go back to their owners.
 */
final class StepScope implements AutoCloseable {
    private final NDManager caller;
    private final NDManager scope;

    private StepScope(NDManager caller) {
        this.caller = caller;
        this.scope = caller.newSubManager();
    }

    /** A scope whose results are returned to {@code sample}'s manager, borrowing {@code sample} and {@code operands}. */
    static StepScope open(NDArray sample, NDArray... operands) {
        StepScope step = new StepScope(sample.getManager());
        step.borrow(sample);
        for (NDArray operand : operands) {
            step.borrow(operand);
        }
        return step;
    }

    /** The scope's manager, for arrays created during the step. */
    NDManager manager() {
        return scope;
    }

    /** Lends {@code array} to the step: what is computed from it is freed with the scope; it returns to its owner. */
    NDArray borrow(NDArray array) {
        if (array.getManager() != scope) {
            array.tempAttach(scope);
        }
        return array;
    }

    /** Hands a result to the caller: it moves to the manager of the sample and outlives the step. */
    NDArray keep(NDArray result) {
        result.attach(caller);
        return result;
    }

    /** Moves a result into a manager of the scheduler's own (its history), so that it outlives the step. */
    NDArray keepIn(NDManager owner, NDArray result) {
        result.attach(owner);
        return result;
    }

    /** Takes a kept array over: it is freed with the scope, once the step has used it for the last time. */
    NDArray release(NDArray kept) {
        kept.attach(scope);
        return kept;
    }

    @Override
    public void close() {
        scope.close();
    }
}
