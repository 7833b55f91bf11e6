package io.kiln.worker.runtime;

import io.kiln.worker.config.InvalidConfigException;
import io.kiln.worker.config.WorkerConfig;
import io.kiln.worker.config.WorkerConfigLoader;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Runs a worker until SIGTERM: {@code java io.kiln.worker.runtime.WorkerMain [--config FILE]}. Settings come from
 * the file and from {@code KILN_*} environment variables. Exit codes: 0 after a graceful stop, 1 when the worker
 * failed, 2 for a bad configuration.
 */
public final class WorkerMain {
    private WorkerMain() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        Optional<Path> file = Optional.empty();
        if (args.length == 2 && args[0].equals("--config")) {
            file = Optional.of(Path.of(args[1]));
        } else if (args.length != 0) {
            System.err.println("usage: WorkerMain [--config FILE]");
            System.exit(2);
        }
        WorkerConfig config;
        try {
            config = WorkerConfigLoader.load(file, System.getenv());
        } catch (InvalidConfigException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(run(config));
    }

    /**
     * Runs a worker until the JVM is asked to stop (SIGTERM, Ctrl-C) or the worker fails.
     *
     * @return the process exit code: 0 after a graceful stop, 1 after a failure
     */
    public static int run(WorkerConfig config) throws Exception {
        Worker worker = Worker.start(config);
        Thread hook = new Thread(worker::close, "kiln-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        worker.awaitTermination();
        if (worker.fatalFailure().isPresent()) {
            Runtime.getRuntime().removeShutdownHook(hook);
            worker.close();
            return 1;
        }
        return 0;
    }
}
