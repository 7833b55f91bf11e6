package io.kiln.worker.runtime;

import io.kiln.engine.pipeline.CompatibilityKey;

/** What jobs must share to run in one micro-batch: the model, and everything one denoising run fixes. */
record BatchKey(String model, CompatibilityKey compatibility) {}
