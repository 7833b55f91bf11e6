package io.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kiln.contracts.GenerationRequest;
import io.kiln.contracts.JsonCodec;
import io.kiln.contracts.ParseResult;
import io.kiln.contracts.RequestParser;
import io.kiln.contracts.Violation;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestFuzzerTest {
    private static final GenerationRequest BASE = GenerationRequest.builder()
            .jobId("fuzz-0-0000abcd")
            .model("tiny-random")
            .prompt("a lighthouse in a storm")
            .width(64)
            .height(64)
            .numInferenceSteps(2)
            .seed(7L)
            .build();

    @Test
    void drawsTheSameRecordsFromTheSameSeed() {
        RequestFuzzer first = new RequestFuzzer(3);
        RequestFuzzer second = new RequestFuzzer(3);
        for (int i = 0; i < 200; i++) {
            RequestFuzzer.Fuzzed a = first.next(BASE);
            RequestFuzzer.Fuzzed b = second.next(BASE);
            assertThat(a.mutation()).isEqualTo(b.mutation());
            assertThat(a.value()).isEqualTo(b.value());
        }
    }

    @Test
    void everyMutationDamagesTheRecordAsItsNameSays() {
        byte[] valid = JsonCodec.write(BASE);
        Map<RequestFuzzer.Mutation, List<RequestFuzzer.Fuzzed>> byMutation =
                new EnumMap<>(RequestFuzzer.Mutation.class);
        RequestFuzzer fuzzer = new RequestFuzzer(11);
        for (int i = 0; i < 2_000; i++) {
            RequestFuzzer.Fuzzed fuzzed = fuzzer.next(BASE);
            assertThat(fuzzed.declaredJobId()).isEqualTo(BASE.jobId());
            byMutation
                    .computeIfAbsent(fuzzed.mutation(), m -> new ArrayList<>())
                    .add(fuzzed);
        }
        assertThat(byMutation).containsOnlyKeys(RequestFuzzer.Mutation.values());

        for (RequestFuzzer.Fuzzed flipped : byMutation.get(RequestFuzzer.Mutation.BIT_FLIP)) {
            assertThat(flipped.value()).hasSameSizeAs(valid);
            assertThat(differingBytes(valid, flipped.value())).isBetween(0, 3);
        }
        for (RequestFuzzer.Fuzzed truncated : byMutation.get(RequestFuzzer.Mutation.TRUNCATION)) {
            assertThat(truncated.value().length).isLessThan(valid.length);
            assertThat(RequestParser.parse(truncated.value())).isInstanceOf(ParseResult.Invalid.class);
        }
        for (RequestFuzzer.Fuzzed duplicated : byMutation.get(RequestFuzzer.Mutation.DUPLICATE_KEY)) {
            // the contract refuses a repeated key as malformed, whichever the field
            assertThat(violations(duplicated)).singleElement().satisfies(violation -> assertThat(violation.field())
                    .isEqualTo(Violation.DOCUMENT));
        }
        for (RequestFuzzer.Fuzzed huge : byMutation.get(RequestFuzzer.Mutation.HUGE_VALUE)) {
            assertThat(huge.value()).isNotEqualTo(valid);
        }
        for (RequestFuzzer.Fuzzed missing : byMutation.get(RequestFuzzer.Mutation.MISSING_FIELD)) {
            assertThat(missing.value().length).isLessThan(valid.length);
        }
        assertThat(byMutation.get(RequestFuzzer.Mutation.WRONG_TYPE))
                .anySatisfy(wrong -> assertThat(violations(wrong)).isNotEmpty());
        // the prompt in other scripts is a valid request; bytes that are not UTF-8 are not
        assertThat(byMutation.get(RequestFuzzer.Mutation.UNICODE))
                .anySatisfy(unicode ->
                        assertThat(RequestParser.parse(unicode.value())).isInstanceOf(ParseResult.Valid.class))
                .anySatisfy(unicode -> assertThat(isUtf8(unicode.value())).isFalse());
    }

    private static List<Violation> violations(RequestFuzzer.Fuzzed fuzzed) {
        return RequestParser.parse(fuzzed.value()) instanceof ParseResult.Invalid invalid
                ? invalid.violations()
                : List.of();
    }

    private static int differingBytes(byte[] a, byte[] b) {
        int count = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                count++;
            }
        }
        return count;
    }

    private static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Arrays.copyOf(bytes, bytes.length)));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
