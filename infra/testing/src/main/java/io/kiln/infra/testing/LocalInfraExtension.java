package io.kiln.infra.testing;

import io.kiln.infra.local.KafkaEndpoint;
import io.kiln.infra.local.KafkaServer;
import io.kiln.infra.local.S3Endpoint;
import io.kiln.infra.local.S3Server;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

/**
 * Resolves {@link KafkaEndpoint} and {@link S3Endpoint} parameters with real servers.
 *
 * <p>Each server starts once per test JVM, on first demand (a test run that only asks for S3 never starts Kafka),
 * and stops when the run ends: both live in the root context's store. {@link InfraMode} chooses containers or local
 * child processes. Local servers keep their files in a new folder under the system property
 * {@value #WORK_ROOT_PROPERTY} (default {@code target/kiln-infra}).
 */
public final class LocalInfraExtension implements ParameterResolver {

    /** Where local servers keep their files; the parent pom points it into the module's {@code target}. */
    public static final String WORK_ROOT_PROPERTY = "kiln.infra.workdir";

    private static final Logger LOG = LoggerFactory.getLogger(LocalInfraExtension.class);

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(LocalInfraExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == KafkaEndpoint.class || type == S3Endpoint.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ExtensionContext.Store store = context.getRoot().getStore(NAMESPACE);
        ServerBackend backend =
                store.getOrComputeIfAbsent(ServerBackend.class, key -> chooseBackend(), ServerBackend.class);
        Path workRoot = Path.of(System.getProperty(WORK_ROOT_PROPERTY, "target/kiln-infra"));
        if (parameter.getParameter().getType() == KafkaEndpoint.class) {
            return store.getOrComputeIfAbsent(KafkaServer.class, key -> backend.startKafka(workRoot), KafkaServer.class)
                    .endpoint();
        }
        return store.getOrComputeIfAbsent(S3Server.class, key -> backend.startS3(workRoot), S3Server.class)
                .endpoint();
    }

    private static ServerBackend chooseBackend() {
        InfraMode mode = InfraMode.configured();
        ServerBackend backend =
                ServerBackend.choose(mode, () -> DockerClientFactory.instance().isDockerAvailable());
        LOG.info("Kiln test infrastructure, mode {}: {}", mode.name().toLowerCase(Locale.ROOT), backend.description());
        return backend;
    }
}
