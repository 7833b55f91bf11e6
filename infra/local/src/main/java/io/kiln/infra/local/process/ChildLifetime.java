package io.kiln.infra.local.process;

/** Whether a server's child JVM dies with the JVM that started it. */
public enum ChildLifetime {
    /**
     * The server exits as soon as the JVM that started it exits, even after {@code kill -9}: for tests, so a killed
     * build leaves no server behind.
     */
    TIED_TO_PARENT,

    /**
     * The server outlives the JVM that started it and records its pid in its folder: for {@code kiln infra up}, whose
     * JVM exits right after the start.
     */
    DETACHED
}
