package io.kiln.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** The version {@code kiln --version} prints: the cli module's, written into a resource at build time. */
final class KilnVersion implements IVersionProvider {

    @Override
    public String[] getVersion() {
        Properties properties = new Properties();
        try (InputStream in = KilnVersion.class.getResourceAsStream("kiln-version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new String[] {"Kiln " + properties.getProperty("version", "(unknown version)")};
    }
}
