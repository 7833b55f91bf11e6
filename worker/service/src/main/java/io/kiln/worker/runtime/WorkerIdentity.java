package io.kiln.worker.runtime;

/**
 * Who is doing the work, as events and PNGs name it.
 *
 * @param worker the worker's id
 * @param model the name of the model it serves
 * @param modelHash the model's short hash, written into each PNG's parameters as A1111 does
 */
record WorkerIdentity(String worker, String model, String modelHash) {}
