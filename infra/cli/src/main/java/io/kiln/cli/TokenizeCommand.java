package io.kiln.cli;

import io.kiln.engine.model.tokenizer.ClipTokenizer;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

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
            prompts = PromptsFile.read(promptsFile);
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
}
