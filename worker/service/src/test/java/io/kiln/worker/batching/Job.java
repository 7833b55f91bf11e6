package io.kiln.worker.batching;

/** A stand-in for a generation job: what the batcher keys on, how many images, and where it came from. */
record Job(String name, String key, int images, int partition) {

    static Job of(String name, String key, int images) {
        return new Job(name, key, images, 0);
    }

    @Override
    public String toString() {
        return name;
    }
}
