package io.kiln.infra.local.process;

import java.nio.file.Path;
import java.util.List;

/**
 * What a server's child JVM runs.
 *
 * @param jvmOptions options before the class path, e.g. {@code -Xmx512m}
 * @param classpath the server's own jars
 * @param mainClass the class whose {@code main} starts the server
 * @param arguments the arguments to that {@code main}
 */
record JavaCommand(List<String> jvmOptions, List<Path> classpath, String mainClass, List<String> arguments) {

    JavaCommand {
        jvmOptions = List.copyOf(jvmOptions);
        classpath = List.copyOf(classpath);
        arguments = List.copyOf(arguments);
        if (classpath.isEmpty()) {
            throw new IllegalArgumentException("classpath must not be empty");
        }
        if (mainClass == null || mainClass.isBlank()) {
            throw new IllegalArgumentException("mainClass must not be blank");
        }
    }
}
