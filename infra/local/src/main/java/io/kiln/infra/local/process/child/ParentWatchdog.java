package io.kiln.infra.local.process.child;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;

/**
 * Runs inside a server's child JVM and halts it when the parent JVM dies.
 *
 * <p>Usage: {@code java -cp <server classpath>:<this class's jar> ParentWatchdog <main class> [arguments]}. The
 * parent keeps the write end of the child's stdin pipe open and never writes to it; the kernel closes that end when
 * the parent exits for whatever reason, {@code kill -9} included, and the read here returns end-of-file. Shutdown
 * hooks and signals cannot give that guarantee.
 *
 * <p>Uses the JDK only: it runs on the server's classpath, not on ours.
 */
public final class ParentWatchdog {

    /** The exit status of a child whose parent went away (128 + SIGHUP, as a shell reports a hung-up job). */
    static final int PARENT_GONE = 129;

    private ParentWatchdog() {}

    public static void main(String[] args) throws Throwable {
        if (args.length == 0) {
            throw new IllegalArgumentException("usage: ParentWatchdog <main class> [arguments]");
        }
        Thread watchdog = new Thread(ParentWatchdog::haltWhenStdinCloses, "kiln-parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        runMain(args[0], Arrays.copyOfRange(args, 1, args.length));
    }

    private static void haltWhenStdinCloses() {
        byte[] buffer = new byte[256];
        try (InputStream stdin = System.in) {
            while (stdin.read(buffer) != -1) {
                // the parent never writes: any bytes are ignored, only end-of-file matters
            }
        } catch (IOException e) {
            // a broken pipe means the same as end-of-file: the parent is gone
        }
        // halt, not exit: a server's shutdown hooks may wait on peers that no longer exist
        Runtime.getRuntime().halt(PARENT_GONE);
    }

    static void runMain(String mainClass, String[] args) throws Throwable {
        try {
            Class.forName(mainClass).getMethod("main", String[].class).invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            // show the server's own failure in its log, not the reflection wrapper
            throw e.getCause();
        }
    }
}
