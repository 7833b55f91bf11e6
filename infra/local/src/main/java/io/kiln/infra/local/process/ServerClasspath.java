package io.kiln.infra.local.process;

import io.kiln.infra.local.ServerStartupException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The class paths of the real servers, as {@code kiln-server-jars} recorded them at build time: jars in the local
 * Maven repository, which must never be on a class path of ours.
 */
final class ServerClasspath {

    private static final String RESOURCE_FOLDER = "/io/kiln/infra/servers/";

    private ServerClasspath() {}

    static List<Path> kafka() {
        return read("kafka.classpath", "Kafka");
    }

    static List<Path> s3proxy() {
        return read("s3proxy.classpath", "S3");
    }

    private static List<Path> read(String resource, String serverName) {
        List<Path> classpath = Arrays.stream(
                        load(resource, serverName).strip().split(Pattern.quote(File.pathSeparator)))
                .filter(entry -> !entry.isBlank())
                .map(Path::of)
                .toList();
        for (Path jar : classpath) {
            if (!Files.isRegularFile(jar)) {
                throw new ServerStartupException(
                        serverName,
                        serverName + " cannot start: its jar " + jar + " is missing from the local Maven repository;"
                                + " run ./mvnw -pl infra/server-jars install to download it");
            }
        }
        return classpath;
    }

    private static String load(String resource, String serverName) {
        try (InputStream in = ServerClasspath.class.getResourceAsStream(RESOURCE_FOLDER + resource)) {
            if (in == null) {
                throw new ServerStartupException(
                        serverName,
                        serverName + " cannot start: " + RESOURCE_FOLDER + resource
                                + " is not on the class path (it comes with io.kiln:kiln-server-jars)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + resource, e);
        }
    }
}
