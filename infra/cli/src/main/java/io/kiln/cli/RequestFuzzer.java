package io.kiln.cli;

import io.kiln.contracts.GenerationRequest;
import io.kiln.contracts.JsonCodec;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Damaged request records, drawn from a seed: what a buggy producer, a proxy that cuts messages short or a hostile
 * client could put on the job topic. Each starts from a valid request and suffers one {@link Mutation}.
 */
final class RequestFuzzer {

    /** The ways a record is damaged. */
    enum Mutation {
        /** One to three bits flipped anywhere in the bytes. */
        BIT_FLIP,
        /** Cut off after a random number of bytes. */
        TRUNCATION,
        /** A field given a value of another JSON type. */
        WRONG_TYPE,
        /** A number far past any limit, or a very long string. */
        HUGE_VALUE,
        /** The prompt in scripts, emoji, control characters, or bytes that are not UTF-8 at all. */
        UNICODE,
        /** A field written twice with different values. */
        DUPLICATE_KEY,
        /** A field left out. */
        MISSING_FIELD
    }

    /** A damaged record: its job id for the key and header, the damage, and the bytes. */
    record Fuzzed(String declaredJobId, Mutation mutation, byte[] value) {}

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static final List<String> PROMPTS = List.of(
            "東京の夜景、ネオン",
            "قطة على سطح القمر",
            "🦊🔥 a fox made of fire 🔥🦊",
            "e\u0301\u0301\u0301 combining marks",
            "tab\tnew line\ncarriage\rnull\u0000bell\u0007",
            "\u202Eright-to-left override",
            "𝕬𝖑𝖌𝖊𝖇𝖗𝖆 outside the basic plane");

    private static final List<JsonNode> HUGE_NUMBERS = List.of(
            NODES.numberNode(1_000_000_000),
            NODES.numberNode(Long.MAX_VALUE),
            NODES.numberNode(new java.math.BigInteger("1" + "0".repeat(40))),
            NODES.numberNode(1e308),
            NODES.numberNode(-1_000_000_000L));

    private final SplittableRandom random;

    RequestFuzzer(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** The next damaged record, made from {@code base}, whose job id it declares. */
    Fuzzed next(GenerationRequest base) {
        Mutation mutation = Mutation.values()[random.nextInt(Mutation.values().length)];
        byte[] valid = JsonCodec.write(base);
        byte[] damaged =
                switch (mutation) {
                    case BIT_FLIP -> flipBits(valid);
                    case TRUNCATION -> Arrays.copyOf(valid, random.nextInt(valid.length));
                    case WRONG_TYPE -> write(withWrongType(tree(valid)));
                    case HUGE_VALUE -> write(withHugeValue(tree(valid)));
                    case UNICODE -> withUnicodePrompt(tree(valid));
                    case DUPLICATE_KEY -> withDuplicateKey(valid, tree(valid));
                    case MISSING_FIELD -> write(withoutField(tree(valid)));
                };
        return new Fuzzed(base.jobId(), mutation, damaged);
    }

    private byte[] flipBits(byte[] valid) {
        byte[] bytes = valid.clone();
        int flips = 1 + random.nextInt(3);
        for (int i = 0; i < flips; i++) {
            bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
        }
        return bytes;
    }

    private ObjectNode withWrongType(ObjectNode request) {
        String field = anyField(request);
        JsonNode value = request.get(field);
        List<JsonNode> others = new ArrayList<>();
        if (!value.isString()) {
            others.add(NODES.stringNode("64"));
        }
        if (!value.isNumber()) {
            others.add(NODES.numberNode(7));
        }
        if (!value.isBoolean()) {
            others.add(NODES.booleanNode(true));
        }
        if (!value.isArray()) {
            others.add(NODES.arrayNode().add(value));
        }
        if (!value.isObject()) {
            others.add(NODES.objectNode().set("value", value));
        }
        others.add(NODES.nullNode());
        request.set(field, others.get(random.nextInt(others.size())));
        return request;
    }

    private ObjectNode withHugeValue(ObjectNode request) {
        String field = anyField(request);
        if (request.get(field).isString()) {
            request.put(field, "x".repeat(100_000 + random.nextInt(100_000)));
        } else {
            request.set(field, HUGE_NUMBERS.get(random.nextInt(HUGE_NUMBERS.size())));
        }
        return request;
    }

    private byte[] withUnicodePrompt(ObjectNode request) {
        if (random.nextInt(4) == 0) {
            // a lone surrogate and a stray continuation byte: no UTF-8 decoder may accept them
            request.put("prompt", "@@BAD@@");
            byte[] json = write(request);
            String marker = "@@BAD@@";
            String text = new String(json, StandardCharsets.UTF_8);
            int at = text.indexOf(marker);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(text.substring(0, at).getBytes(StandardCharsets.UTF_8));
            out.writeBytes(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80, (byte) 0x80});
            out.writeBytes(text.substring(at + marker.length()).getBytes(StandardCharsets.UTF_8));
            return out.toByteArray();
        }
        request.put("prompt", PROMPTS.get(random.nextInt(PROMPTS.size())));
        return write(request);
    }

    private byte[] withDuplicateKey(byte[] valid, ObjectNode request) {
        String field = anyField(request);
        JsonNode other = request.get(field).isNumber() ? NODES.numberNode(128) : NODES.stringNode("other");
        String json = new String(valid, StandardCharsets.UTF_8);
        String duplicate = "\"" + field + "\":" + new String(write(other), StandardCharsets.UTF_8) + ",";
        return ("{" + duplicate + json.substring(1)).getBytes(StandardCharsets.UTF_8);
    }

    private ObjectNode withoutField(ObjectNode request) {
        request.remove(anyField(request));
        return request;
    }

    private String anyField(ObjectNode request) {
        List<String> names = new ArrayList<>(request.propertyNames());
        return names.get(random.nextInt(names.size()));
    }

    private static ObjectNode tree(byte[] json) {
        return (ObjectNode) JsonCodec.mapper().readTree(json);
    }

    private static byte[] write(JsonNode node) {
        return JsonCodec.mapper().writeValueAsBytes(node);
    }
}
