package io.kiln.engine.model.nn;

/**
 * A module that only groups children under one name, for checkpoint paths whose middle segment holds no code of its
 * own (such as {@code ff.net.0} and {@code ff.net.2}, where {@code net.1} is a weightless dropout).
 */
public final class Container extends Module {
    /** Adds a child under {@code name} and returns it. */
    public <M extends Module> M add(String name, M module) {
        return child(name, module);
    }
}
