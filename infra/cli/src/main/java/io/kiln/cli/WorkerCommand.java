package io.kiln.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import io.kiln.worker.config.InvalidConfigException;
import io.kiln.worker.config.WorkerConfig;
import io.kiln.worker.config.WorkerConfigLoader;
import io.kiln.worker.runtime.WorkerMain;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kiln worker [--config FILE]}: runs a Kiln worker in this process until SIGTERM or Ctrl-C. */
@Command(
        name = "worker",
        mixinStandardHelpOptions = true,
        description = {
            "Runs a worker: joins the consumer group on the job topic, micro-batches compatible jobs through the"
                    + " model, stores the PNGs in S3 and reports every job's fate on the event topic, until SIGTERM"
                    + " or Ctrl-C, when it finishes or abandons its batch within shutdown.grace and leaves the group.",
            "Settings come from the properties file and from KILN_* environment variables, which win"
                    + " (batch.max-images or KILN_BATCH_MAX_IMAGES); see docs/WORKER.md. Health and metrics"
                    + " answer on http.host:http.port (/health/live, /health/ready, /metrics)."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:stopped gracefully",
            "1:the worker failed (it could not start, or lost its transactional producer)",
            "2:bad arguments or configuration; every problem is listed"
        })
public final class WorkerCommand implements Callable<Integer> {

    /** The loggers whose INFO lines a running worker prints: start, assignments, revocations, stop. */
    static final String WORKER_LOGGERS = "io.kiln";

    private static final String SERVICE_PATTERN =
            "%d{yyyy-MM-dd'T'HH:mm:ss.SSS'Z',UTC} %-5level [%thread] %logger{30} - %msg%n";

    @Spec
    private CommandSpec spec;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "A properties file with the worker's settings; without it, the environment alone configures"
                    + " the worker.")
    private Path config;

    @Override
    public Integer call() throws Exception {
        WorkerConfig loaded;
        try {
            loaded = WorkerConfigLoader.load(Optional.ofNullable(config), System.getenv());
        } catch (InvalidConfigException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return ExitCode.USAGE;
        }
        logWorkerInfo();
        return WorkerMain.run(loaded);
    }

    /**
     * The command line's logback.xml keeps every logger at WARN and prints no time, since its other commands print
     * what they were asked for. A service has no other output: what it is doing goes to its log, so this command
     * alone lowers Kiln's own loggers to INFO (Kafka's, the AWS SDK's and DJL's stay at WARN) and starts each line
     * with its UTC time and thread.
     */
    private static void logWorkerInfo() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        var kiln = context.getLogger(WORKER_LOGGERS);
        if (!kiln.isInfoEnabled()) {
            kiln.setLevel(Level.INFO);
        }
        if (context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR")
                instanceof OutputStreamAppender<ILoggingEvent> stderr) {
            var encoder = new PatternLayoutEncoder();
            encoder.setContext(context);
            encoder.setPattern(SERVICE_PATTERN);
            encoder.start();
            stderr.stop();
            stderr.setEncoder(encoder);
            stderr.start();
        }
    }
}
