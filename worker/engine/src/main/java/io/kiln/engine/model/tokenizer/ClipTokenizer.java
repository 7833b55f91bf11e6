package io.kiln.engine.model.tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * CLIP's BPE tokenizer, id for id the same as transformers' slow {@code CLIPTokenizer} (transformers bc78fd1)
 * without ftfy installed, which is what a default {@code pip install diffusers transformers} runs for SD 1.x, called
 * as {@code StableDiffusionPipeline} calls it ({@code padding="max_length", truncation=True}). Per prompt:
 *
 * <ol>
 *   <li>cut out the special tokens' literal text ({@link SpecialTokenSplitter});
 *   <li>clean, lowercase and split the rest into words ({@link BasicTokenizer}), then join them with spaces;
 *   <li>pre-tokenise with CLIP's regex: special tokens, contractions, letter runs, single digits, runs of other
 *       non-space characters;
 *   <li>byte-encode each piece ({@link ByteEncoder}) and BPE it ({@link BytePairEncoder});
 *   <li>look the symbols up in {@code vocab.json}, unknown ones as the unk token;
 *   <li>{@code <|startoftext|>} + the first {@code maxLength - 2} ids + {@code <|endoftext|>}, padded with the pad id.
 * </ol>
 *
 * Immutable and thread-safe.
 */
public final class ClipTokenizer {
    /** {@code CLIPTokenizer.pat}; the reference compiles it with {@code re.IGNORECASE}. */
    private static final Pattern PRE_TOKENIZER = Pattern.compile(
            "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.UNICODE_CHARACTER_CLASS);

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Map<String, Integer> vocab;
    private final String[] tokensById;
    private final BytePairEncoder bpe;
    private final SpecialTokenSplitter splitter;
    private final Set<String> specialTokens;
    private final int maxLength;
    private final int bosId;
    private final int eosId;
    private final int padId;
    private final int unkId;

    private ClipTokenizer(Map<String, Integer> vocab, BytePairEncoder bpe, TokenizerConfig config) {
        this.vocab = vocab;
        this.tokensById = new String
                [vocab.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1];
        vocab.forEach((token, id) -> tokensById[id] = token);
        this.bpe = bpe;
        this.specialTokens = config.specialTokens();
        this.splitter = new SpecialTokenSplitter(specialTokens);
        this.maxLength = config.maxLength();
        this.bosId = requireId(config.bos(), "bos_token");
        this.eosId = requireId(config.eos(), "eos_token");
        this.padId = requireId(config.pad(), "pad_token");
        this.unkId = requireId(config.unk(), "unk_token");
        config.additional().forEach(token -> requireId(token, "additional_special_tokens"));
    }

    /**
     * Loads a diffusers {@code tokenizer/} folder: {@code vocab.json}, {@code merges.txt} and, when present,
     * {@code tokenizer_config.json} and {@code special_tokens_map.json}.
     *
     * @throws UncheckedIOException if a file cannot be read
     * @throws IllegalArgumentException if a file is corrupt or a special token is missing from the vocabulary
     */
    public static ClipTokenizer load(Path dir) {
        Path vocabFile = dir.resolve("vocab.json");
        Map<String, Integer> vocab;
        try {
            vocab = Map.copyOf(
                    JSON.readValue(Files.readAllBytes(vocabFile), new TypeReference<Map<String, Integer>>() {}));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + vocabFile, e);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(vocabFile + ": corrupt JSON: " + e.getOriginalMessage(), e);
        }
        BytePairEncoder bpe =
                BytePairEncoder.load(dir.resolve("merges.txt"), Set.of("<|startoftext|>", "<|endoftext|>"));
        return new ClipTokenizer(vocab, bpe, TokenizerConfig.read(dir));
    }

    /** Tokenizes {@code prompt} into the text encoder's {@link #maxLength()} ids and the untruncated ids. */
    public Tokenized encode(String prompt) {
        int[] bpeIds = bpeTokens(prompt).stream().mapToInt(this::id).toArray();
        int[] untruncated = new int[bpeIds.length + 2];
        untruncated[0] = bosId;
        System.arraycopy(bpeIds, 0, untruncated, 1, bpeIds.length);
        untruncated[untruncated.length - 1] = eosId;

        int kept = Math.min(bpeIds.length, maxLength - 2);
        int[] input = new int[maxLength];
        Arrays.fill(input, padId);
        input[0] = bosId;
        System.arraycopy(bpeIds, 0, input, 1, kept);
        input[kept + 1] = eosId;
        return new Tokenized(input, untruncated);
    }

    /** The token strings of {@code prompt}'s untruncated ids, start and end tokens included, for debugging. */
    public List<String> tokens(String prompt) {
        return Arrays.stream(encode(prompt).untruncatedIds())
                .mapToObj(id -> tokensById[id])
                .toList();
    }

    /** The number of ids {@link #encode} returns for the text encoder: {@code model_max_length}. */
    public int maxLength() {
        return maxLength;
    }

    /** The id of the start token, {@code <|startoftext|>} in CLIP. */
    public int bosId() {
        return bosId;
    }

    /** The id of the end token, {@code <|endoftext|>} in CLIP. */
    public int eosId() {
        return eosId;
    }

    /** The id that fills the ids after the end token. */
    public int padId() {
        return padId;
    }

    private List<String> bpeTokens(String prompt) {
        List<String> tokens = new ArrayList<>();
        for (String piece : splitter.split(prompt)) {
            if (specialTokens.contains(piece)) {
                tokens.add(piece);
                continue;
            }
            Matcher matcher = PRE_TOKENIZER.matcher(String.join(" ", BasicTokenizer.tokenize(piece)));
            while (matcher.find()) {
                tokens.addAll(bpe.encode(ByteEncoder.encode(matcher.group())));
            }
        }
        return tokens;
    }

    private int id(String token) {
        return vocab.getOrDefault(token, unkId);
    }

    private int requireId(String token, String role) {
        Integer id = vocab.get(token);
        if (id == null) {
            throw new IllegalArgumentException(role + " '" + token + "' is not in vocab.json");
        }
        return id;
    }
}
