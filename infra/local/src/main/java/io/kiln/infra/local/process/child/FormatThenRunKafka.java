package io.kiln.infra.local.process.child;

import java.lang.reflect.InvocationTargetException;

/**
 * Runs inside the Kafka child JVM: formats the KRaft storage if it is not formatted yet, then runs the broker.
 *
 * <p>Usage: {@code FormatThenRunKafka <server.properties> <cluster id>}. Doing both in one JVM saves the second JVM
 * start (about a second) that a separate {@code kafka-storage format} would cost. {@code --ignore-formatted} keeps the
 * data (and cluster id) of a folder that was formatted before, so a development broker keeps its topics across
 * restarts.
 *
 * <p>Uses the JDK only and reaches Kafka by reflection: Kafka's jars are on the child's classpath, never on ours.
 */
public final class FormatThenRunKafka {

    private FormatThenRunKafka() {}

    public static void main(String[] args) throws Throwable {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: FormatThenRunKafka <server.properties> <cluster id>");
        }
        String serverProperties = args[0];
        String clusterId = args[1];
        int formatStatus = format(serverProperties, clusterId);
        if (formatStatus != 0) {
            System.err.println("kafka.tools.StorageTool format failed with status " + formatStatus);
            System.exit(formatStatus);
        }
        ParentWatchdog.runMain("kafka.Kafka", new String[] {serverProperties});
    }

    private static int format(String serverProperties, String clusterId) throws Throwable {
        String[] formatArgs = {"format", "-t", clusterId, "-c", serverProperties, "--ignore-formatted"};
        try {
            // StorageTool.main would call System.exit; execute returns the status instead
            return (int) Class.forName("kafka.tools.StorageTool")
                    .getMethod("execute", String[].class, java.io.PrintStream.class)
                    .invoke(null, formatArgs, System.out);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
