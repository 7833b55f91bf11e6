package io.kiln.cli;

import io.kiln.contracts.GenerationRequest;
import io.kiln.contracts.Mode;
import io.kiln.contracts.ParseResult;
import io.kiln.contracts.RequestParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kiln validate FILE}: checks a job request file against the request contract without submitting it. Prints a
 * one-line summary and exits 0 when the request is valid; prints one {@code field: rule} line per violation to
 * stderr and exits 2 when it is not, or when the file cannot be read.
 */
@Command(
        name = "validate",
        mixinStandardHelpOptions = true,
        description = "Checks a JSON job request file against the Kiln request contract.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the request is valid", "2:the request is invalid, or the file cannot be read"})
public final class ValidateCommand implements Callable<Integer> {
    static final int VALID = 0;
    // The same code picocli uses for a usage error: in both cases the input, not Kiln, is at fault.
    static final int INVALID = 2;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The job request, as JSON.")
    private Path file;

    @Override
    public Integer call() {
        byte[] json;
        try {
            json = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            err().println("cannot read " + file + ": no such file");
            return INVALID;
        } catch (IOException e) {
            err().println("cannot read " + file + ": " + e.getMessage());
            return INVALID;
        }
        return switch (RequestParser.parse(json)) {
            case ParseResult.Valid valid -> {
                out().println("valid: " + summary(valid.request()));
                yield VALID;
            }
            case ParseResult.Invalid invalid -> {
                invalid.violations().forEach(err()::println);
                yield INVALID;
            }
        };
    }

    private static String summary(GenerationRequest request) {
        StringBuilder summary = new StringBuilder(request.mode().wireName());
        if (request.mode() == Mode.IMG2IMG) {
            summary.append(" from ")
                    .append(request.initImage())
                    .append(" at strength ")
                    .append(request.strength());
        }
        summary.append(' ')
                .append(size(request))
                .append(", ")
                .append(request.numInferenceSteps())
                .append(" steps, guidance ")
                .append(request.guidanceScale())
                .append(", sampler ")
                .append(
                        request.sampler() == null
                                ? "model default"
                                : request.sampler().wireName())
                .append(", seed ")
                .append(request.seed() == null ? "assigned at submission" : request.seed())
                .append(", ")
                .append(request.numImages())
                .append(request.numImages() == 1 ? " image" : " images")
                .append(", model ")
                .append(request.model() == null ? "cluster default" : request.model());
        return summary.toString();
    }

    private static String size(GenerationRequest request) {
        if (request.width() == null && request.height() == null) {
            return "model default size";
        }
        if (request.width() != null && request.height() != null) {
            return request.width() + "x" + request.height();
        }
        return "width " + orModelDefault(request.width()) + ", height " + orModelDefault(request.height());
    }

    private static String orModelDefault(Integer pixels) {
        return pixels == null ? "model default" : pixels.toString();
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
