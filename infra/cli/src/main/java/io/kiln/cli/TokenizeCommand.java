package io.kiln.cli;

import io.kiln.engine.model.tokenizer.ClipTokenizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code kiln tokenize}: the token ids a model's text encoder reads for each prompt, as Stable Diffusion pads and
 * truncates them. Loads only the tokenizer, not the weights.
 */
@Command(
        name = "tokenize",
        mixinStandardHelpOptions = true,
        description = {
            "Prints the CLIP token ids of each prompt in FILE (a JSON array of strings) as a JSON array with one"
                    + " array of 77 ids per prompt: start token, BPE ids, end token, padding.",
            "Reads only the tokenizer: PATH/tokenizer for a diffusers folder, --tokenizer for a single file."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the prompts were tokenized", "2:bad arguments, or FILE or the tokenizer cannot be read"})
public final class TokenizeCommand implements Callable<Integer> {
    static final int TOKENIZED = 0;
    static final int INVALID = 2;

    @Spec
    private CommandSpec spec;

    @Mixin
    private ModelArguments model;

    @Option(
            names = "--prompts-file",
            required = true,
            paramLabel = "FILE",
            description = "A JSON array of prompts, for example [\"a fox in the snow\", \"\"].")
    private Path promptsFile;

    @Override
    public Integer call() {
        Path tokenizerDir = model.tokenizerDir();
        List<String> prompts;
        ClipTokenizer tokenizer;
        try {
            prompts = readPrompts(promptsFile);
            tokenizer = ClipTokenizer.load(tokenizerDir);
        } catch (UncheckedIOException | IllegalArgumentException e) {
            spec.commandLine().getErr().println("kiln tokenize: " + e.getMessage());
            return INVALID;
        }
        PrintWriter out = spec.commandLine().getOut();
        // One prompt per line: 77 ids stay readable, and the whole is still one JSON array.
        out.println(prompts.stream()
                .map(prompt -> Arrays.stream(tokenizer.encode(prompt).inputIds())
                        .mapToObj(Integer::toString)
                        .collect(Collectors.joining(",", "[", "]")))
                .collect(Collectors.joining(",\n", "[\n", "\n]")));
        return TOKENIZED;
    }

    /**
     * The prompts of {@code file}.
     *
     * @throws IllegalArgumentException naming the file and the problem: not JSON, not an array, a non-string element
     * @throws UncheckedIOException if the file cannot be read
     */
    private static List<String> readPrompts(Path file) {
        JsonNode root;
        try {
            root = JsonMapper.shared().readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (!root.isArray()) {
            throw new IllegalArgumentException(file + ": must be a JSON array of strings, got " + kind(root));
        }
        List<String> prompts = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode prompt = root.get(i);
            if (!prompt.isString()) {
                throw new IllegalArgumentException(file + ": element " + i + " must be a string, got " + kind(prompt));
            }
            prompts.add(prompt.stringValue());
        }
        return prompts;
    }

    private static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NULL -> "null";
            case MISSING -> "no value";
            default -> "a " + node.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }
}
